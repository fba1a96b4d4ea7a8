/* Bit-fields as the ABI packs them: MSVC rules on Windows, gcc's on Linux (they differ when types change). */
#include <stdint.h>
#include <stdbool.h>

enum gear { GEAR_R = 0, GEAR_N = 1, GEAR_1 = 2, GEAR_2 = 3 };

typedef struct {
    uint32_t a : 3;         /* bits 0-2 */
    uint32_t b : 5;
    uint32_t c : 24;
    uint8_t d : 4;          /* a uint8_t unit on Windows (the type changed); gcc packs it on: byte 4 either way */
    uint8_t e : 2;
    uint16_t f : 9;         // type changes again
    uint64_t g : 40;
    uint64_t h : 20;
    uint8_t byte;
    uint32_t i : 7;
    uint32_t : 0;           /* zero width: the next starts a new unit */
    uint32_t j : 6;
    uint32_t : 3;           /* unnamed: a gap */
    uint32_t k : 5;
    bool on : 1;
    bool off : 1;
    enum gear gear : 3;
    int32_t s : 10;         // signed: non-negative values read the same
    uint16_t last;
} bit_fields;

#pragma pack(push, 1)
typedef struct {
    uint8_t lead;
    uint32_t x : 12;
    uint32_t y : 12;
    uint16_t z : 3;
    uint8_t end;
} packed_bits;
#pragma pack(pop)

typedef struct {
    char c;
    int i : 3;              /* shares the char's unit on Linux, a new int on Windows */
    long long q : 33;
    short sh : 4;
} mixed_bits;
