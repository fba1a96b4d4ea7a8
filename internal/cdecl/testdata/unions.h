/* Unions: the first member is the field (the union's size consumed), the others are instances. */
#include <stdint.h>

typedef union {
    uint32_t raw;
    float as_float;
    uint8_t bytes[4];
} word;

typedef struct {
    uint8_t tag;
    union {                         /* anonymous: flattened, its first member in the seq */
        int64_t i;
        double d;
        struct { uint32_t lo, hi; };
    };
    word w;                         /* a named union type */
    union {
        struct { uint16_t x, y; } point;
        uint32_t packed;
    } u;                            /* a named member of an anonymous union type */
    union {
        uint8_t small;
        uint64_t big;               /* larger than the first member: the union's size is consumed */
    } grow;
    uint16_t after;
} tagged;

typedef union value {
    double number;
    int32_t integer;
    char text[12];
} value;
