/* Every integer, floating, character and pointer type a vendor header uses, with the ABI's sizes, and the
 * Windows typedefs. Compiled by gcc and mingw as is: on Linux the Windows names are declared below as Wine
 * declares them. */
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <wchar.h>
#include <uchar.h>
#ifdef _WIN32
#include <windows.h>
#else
typedef unsigned char BYTE; typedef unsigned short WORD; typedef unsigned int DWORD; typedef int LONG;
typedef unsigned int ULONG; typedef unsigned int UINT; typedef int BOOL; typedef float FLOAT; typedef unsigned short WCHAR;
typedef signed char INT8; typedef unsigned char UINT8; typedef short INT16; typedef unsigned short UINT16;
typedef int INT32; typedef unsigned int UINT32; typedef long long INT64; typedef unsigned long long UINT64;
typedef long long LONGLONG; typedef unsigned long long ULONGLONG; typedef short SHORT; typedef unsigned short USHORT;
typedef char CHAR; typedef unsigned char UCHAR; typedef unsigned long long DWORD64; typedef void *HANDLE;
typedef CHAR TCHAR;
#endif

/* the C types */
typedef struct {
    char c;                 /* plain char: signed on x86, unsigned on arm64 */
    signed char sc;
    unsigned char uc;
    short s;
    unsigned short us;
    int i;
    unsigned int ui;
    long l;                 // 4 bytes on Windows, 8 on 64-bit Linux
    unsigned long ul;
    long long ll;
    unsigned long long ull;
    float f;
    double d;
    long double ld;         /* 8 bytes on Windows, 16 on Linux: kept as bytes there */
    _Bool b;
    bool flag;
    size_t size;
    ptrdiff_t diff;
    intptr_t iptr;
    uintptr_t uptr;
    int8_t i8; uint8_t u8; int16_t i16; uint16_t u16; int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
    void *ptr;
    const char *name_ptr;
    int (*callback)(int);
    char label[13];
    wchar_t wide[9];        /* UTF-16LE on Windows, UTF-32LE on Linux */
    char16_t utf16[5];
    char32_t utf32[3];
    uint8_t raw[7];         /* bytes, not a string */
    int16_t samples[3];
} c_types;

// the Windows names
typedef struct {
    BYTE by; WORD w; DWORD dw; LONG lg; ULONG ulg; UINT u; BOOL ok; FLOAT fl;
    INT8 i8; UINT8 u8; INT16 i16; UINT16 u16; INT32 i32; UINT32 u32; INT64 i64; UINT64 u64;
    LONGLONG llg; ULONGLONG ullg; SHORT sh; USHORT ush; CHAR ch; UCHAR uch; DWORD64 dw64;
    HANDLE handle;
    WCHAR wname[11];
    TCHAR tname[6];         /* char: UNICODE is not defined */
    CHAR cname[4];
} win_types;
