/* Packing, alignment, constants in array sizes, nesting, multi-dimensional arrays, enums, comments. */
#include <stdint.h>

#define NAME_LEN 12
#define CARS (2 + 1)
enum { SLOTS = 4, SLOT_BYTES = SLOTS * 2 };

/* Session modes. */
enum mode { MODE_IDLE, MODE_PRACTICE = 3, MODE_RACE, MODE_ALIAS = 3, MODE_NEG = -2 };
typedef enum { FLAG_NONE = 0, FLAG_GREEN = 1, FLAG_YELLOW = 2, FLAG_BIG = 0x7fffffff } flag_t;

typedef struct vec3 { float x, y, z; } vec3;

struct wheel {
    double temp[3];         // inner, middle, outer
    uint8_t flat;
    vec3 pos;
};

#pragma pack(push, 1)
typedef struct {
    uint8_t kind;
    uint32_t value;         /* unaligned: packed to 1 */
    uint16_t extra;
} packed1;
#pragma pack(pop)

#pragma pack(push, 2)
typedef struct {
    uint8_t a;
    double b;
    int64_t c;
    uint8_t d;
} packed2;
#pragma pack(pop)

#pragma pack(4)
typedef struct {
    uint8_t a;
    double b;
    long l;
    uint16_t w[3];
} packed4;
#pragma pack()

typedef struct __attribute__((packed)) {
    uint8_t a;
    uint64_t b;
    uint16_t c;
} attr_packed;

typedef struct {
    uint8_t a;
    uint32_t b __attribute__((aligned(16)));
    uint8_t c;
} __attribute__((aligned(32))) attr_aligned;

/* The session: every kind of nesting. */
typedef struct session {
    /* the mode, as an enum */
    enum mode mode;
    flag_t flag;            // a typedef'd enum
    char track[NAME_LEN];
    char drivers[CARS][NAME_LEN];   /* an array of strings */
    float grid[CARS][SLOTS];        /* two dimensions */
    int16_t cube[2][CARS][2];       /* three */
    struct wheel wheels[4];
    vec3 origin;
    struct {                        /* a named member of an anonymous struct type */
        int32_t laps;
        double best;
    } timing;
    struct {                        /* anonymous: flattened */
        uint16_t sector;
        uint8_t in_pit;
    };
    uint8_t slots[SLOT_BYTES];
    packed1 p1[2];
    packed2 p2;
    packed4 p4;
    attr_packed ap;
    attr_aligned aa;
    uint8_t tail;                   /* tail padding follows */
} session;
