package cdecl

import (
	"runtime"
	"strings"
	"testing/fstest"
)

// abiSpec is a target ABI: the C front end's (GOOS, GOARCH) and what the prelude declares for it.
type abiSpec struct {
	name, goos, goarch string
	windows            bool
	macros             string // the compiler's predefined macros that headers test
}

var abiSpecs = []abiSpec{
	{"windows-amd64", "windows", "amd64", true, "_WIN32 1\n_WIN64 1\n__x86_64__ 1\n_M_X64 100\n_M_AMD64 100\n__MINGW32__ 1\n__MINGW64__ 1"},
	{"windows-386", "windows", "386", true, "_WIN32 1\n__i386__ 1\n_M_IX86 600\n__MINGW32__ 1"},
	{"linux-amd64", "linux", "amd64", false, "__linux__ 1\n__unix__ 1\n__x86_64__ 1\n__LP64__ 1"},
	{"linux-arm64", "linux", "arm64", false, "__linux__ 1\n__unix__ 1\n__aarch64__ 1\n__LP64__ 1"},
}

// ABIs are the target ABIs Convert lays structs out for.
func ABIs() []string {
	out := make([]string, len(abiSpecs))
	for i, a := range abiSpecs {
		out[i] = a.name
	}
	return out
}

// DefaultABI is the ABI of the producers this daemon's OS runs: windows-amd64 (windows-386 for a 386 build)
// on Windows, linux-amd64 or linux-arm64 by GOARCH elsewhere.
func DefaultABI() string {
	return defaultABI(runtime.GOOS, runtime.GOARCH)
}

func defaultABI(goos, goarch string) string {
	switch {
	case goos == "windows" && goarch == "386":
		return "windows-386"
	case goos == "windows":
		return "windows-amd64"
	case goarch == "arm64":
		return "linux-arm64"
	}
	return "linux-amd64"
}

func abiNamed(name string) (abiSpec, bool) {
	for _, a := range abiSpecs {
		if a.name == name {
			return a, true
		}
	}
	return abiSpec{}, false
}

// The sources' names: positions in headerName are the user's.
const (
	predefinedName = "<predefined>"
	preludeName    = "<prelude>"
	headerName     = "header.h"
	endName        = "<end>"
)

// includeNames are the headers an #include may name: the prelude declares what they would.
var includeNames = []string{"stdint.h", "stddef.h", "stdbool.h", "inttypes.h", "wchar.h", "uchar.h", "limits.h",
	"float.h", "assert.h", "windows.h", "Windows.h", "windef.h", "minwindef.h", "winnt.h", "basetsd.h", "wtypes.h",
	"tchar.h", "cstdint", "cstddef", "cinttypes", "cwchar", "cuchar", "climits", "cfloat", "cassert"}

func includable() []string { return includeNames }

// includeFS holds each includable header, empty: the prelude, read first, has declared its types.
var includeFS = func() fstest.MapFS {
	fs := fstest.MapFS{}
	for _, n := range includeNames {
		fs["include/"+n] = &fstest.MapFile{}
	}
	return fs
}()

// predefined is what the C front end needs first (cc's __predefined_declarator and size_t) and the target's
// macros.
func predefined(a abiSpec) string {
	var b strings.Builder
	b.WriteString("int __predefined_declarator;\n")
	if a.goarch == "386" {
		b.WriteString("typedef unsigned int __predefined_size_t;\n")
	} else {
		b.WriteString("typedef unsigned long long __predefined_size_t;\n")
	}
	for _, m := range strings.Split(a.macros+"\n__STDC__ 1\n__STDC_VERSION__ 201112L\n__CHAR_BIT__ 8", "\n") {
		b.WriteString("#define " + m + "\n")
	}
	return b.String()
}

// prelude declares the types of <stdint.h>, <stddef.h>, <stdbool.h>, <wchar.h>, <uchar.h> and the Windows
// headers' integer, character, handle and pointer typedefs, sized for a, and the C++ spellings the rewrite
// leaves to macros (bool, static_assert, alignas).
func prelude(a abiSpec) string {
	r := strings.NewReplacer("@I64@", "long long", "@PTR@", "long long", "@DW@", "unsigned long", "@LONG@", "long", "@WCHAR_T@", "unsigned short")
	if !a.windows {
		r = strings.NewReplacer("@I64@", "long", "@PTR@", "long", "@DW@", "unsigned int", "@LONG@", "int", "@WCHAR_T@", "int")
		if a.goarch == "arm64" {
			r = strings.NewReplacer("@I64@", "long", "@PTR@", "long", "@DW@", "unsigned int", "@LONG@", "int", "@WCHAR_T@", "unsigned int")
		}
	}
	if a.goarch == "386" {
		r = strings.NewReplacer("@I64@", "long long", "@PTR@", "int", "@DW@", "unsigned long", "@LONG@", "long", "@WCHAR_T@", "unsigned short")
	}
	return r.Replace(preludeText)
}

// preludeText: @I64@ is the 64-bit integer of <stdint.h>, @PTR@ the pointer-sized one, @DW@ a 32-bit DWORD,
// @LONG@ a 32-bit LONG, @WCHAR_T@ wchar_t. WCHAR is UTF-16 on every ABI (as Wine declares it on Linux).
const preludeText = `
typedef signed char int8_t; typedef unsigned char uint8_t;
typedef short int16_t; typedef unsigned short uint16_t;
typedef int int32_t; typedef unsigned int uint32_t;
typedef @I64@ int64_t; typedef unsigned @I64@ uint64_t;
typedef int8_t int_least8_t; typedef uint8_t uint_least8_t; typedef int16_t int_least16_t; typedef uint16_t uint_least16_t;
typedef int32_t int_least32_t; typedef uint32_t uint_least32_t; typedef int64_t int_least64_t; typedef uint64_t uint_least64_t;
typedef int8_t int_fast8_t; typedef uint8_t uint_fast8_t; typedef int64_t intmax_t; typedef uint64_t uintmax_t;
typedef @PTR@ intptr_t; typedef unsigned @PTR@ uintptr_t; typedef @PTR@ ptrdiff_t; typedef unsigned @PTR@ size_t; typedef @PTR@ ssize_t;
typedef @WCHAR_T@ wchar_t; typedef uint_least16_t char16_t; typedef uint_least32_t char32_t; typedef unsigned char char8_t;
#define bool _Bool
#define true 1
#define false 0
#define __bool_true_false_are_defined 1
#define static_assert(...) __shmbridge_static_assert(__VA_ARGS__, "static_assert")
#define __shmbridge_static_assert(e, m, ...) _Static_assert(e, m)
#define alignas _Alignas
#define alignof _Alignof
#define offsetof(t, m) ((__predefined_size_t)&(((t*)0)->m))
#define __builtin_offsetof(t, m) offsetof(t, m)
#define NULL ((void*)0)
#define CHAR_BIT 8
#define INT8_MAX 127
#define UINT8_MAX 255
#define INT16_MAX 32767
#define UINT16_MAX 65535
#define INT32_MAX 2147483647
#define UINT32_MAX 4294967295u
#define INT64_MAX 9223372036854775807ll
#define UINT64_MAX 18446744073709551615ull
#define __int8 char
#define __int16 short
#define __int32 int
#define __int64 long long
#define MAX_PATH 260
typedef unsigned char BYTE; typedef unsigned short WORD; typedef @DW@ DWORD; typedef @LONG@ LONG; typedef unsigned @LONG@ ULONG;
typedef int BOOL; typedef unsigned char BOOLEAN; typedef float FLOAT; typedef double DOUBLE; typedef char CHAR; typedef unsigned char UCHAR;
typedef short SHORT; typedef unsigned short USHORT; typedef int INT; typedef unsigned int UINT; typedef unsigned short WCHAR;
typedef signed char INT8; typedef unsigned char UINT8; typedef short INT16; typedef unsigned short UINT16;
typedef int INT32; typedef unsigned int UINT32; typedef long long INT64; typedef unsigned long long UINT64;
typedef int LONG32; typedef unsigned int ULONG32; typedef unsigned int DWORD32; typedef long long LONG64; typedef unsigned long long ULONG64;
typedef long long LONGLONG; typedef unsigned long long ULONGLONG; typedef unsigned long long DWORD64; typedef unsigned long long DWORDLONG;
typedef unsigned long long QWORD;
typedef @PTR@ INT_PTR; typedef unsigned @PTR@ UINT_PTR; typedef @PTR@ LONG_PTR; typedef unsigned @PTR@ ULONG_PTR;
typedef ULONG_PTR DWORD_PTR; typedef ULONG_PTR SIZE_T; typedef LONG_PTR SSIZE_T; typedef UINT_PTR WPARAM; typedef LONG_PTR LPARAM;
typedef LONG HRESULT; typedef WORD ATOM; typedef DWORD COLORREF; typedef WORD LANGID; typedef DWORD LCID;
typedef void *PVOID; typedef void *LPVOID; typedef const void *LPCVOID; typedef void *HANDLE;
typedef HANDLE HWND; typedef HANDLE HMODULE; typedef HANDLE HINSTANCE; typedef HANDLE HKEY; typedef HANDLE HDC; typedef HANDLE HGLOBAL;
typedef HANDLE HMENU; typedef HANDLE HICON; typedef HANDLE HBITMAP; typedef HANDLE HBRUSH; typedef HANDLE HFONT; typedef HANDLE HMONITOR;
typedef CHAR *LPSTR; typedef const CHAR *LPCSTR; typedef WCHAR *LPWSTR; typedef const WCHAR *LPCWSTR;
typedef BYTE *PBYTE; typedef BYTE *LPBYTE; typedef DWORD *PDWORD; typedef DWORD *LPDWORD; typedef WORD *PWORD;
#define TCHAR __shmbridge_tchar(UNICODE)
#define __shmbridge_tchar(u) __shmbridge_tchar2(u)
#define __shmbridge_tchar2(u) __shmbridge_tchar_##u
#define __shmbridge_tchar_UNICODE CHAR
#define __shmbridge_tchar_ WCHAR
#define __shmbridge_tchar_1 WCHAR
typedef struct _FILETIME { DWORD dwLowDateTime; DWORD dwHighDateTime; } FILETIME;
typedef struct _SYSTEMTIME { WORD wYear, wMonth, wDayOfWeek, wDay, wHour, wMinute, wSecond, wMilliseconds; } SYSTEMTIME;
typedef struct _GUID { unsigned int Data1; unsigned short Data2, Data3; unsigned char Data4[8]; } GUID;
typedef struct tagPOINT { LONG x, y; } POINT;
typedef struct tagRECT { LONG left, top, right, bottom; } RECT;
typedef union _LARGE_INTEGER { struct { DWORD LowPart; LONG HighPart; }; struct { DWORD LowPart; LONG HighPart; } u; LONGLONG QuadPart; } LARGE_INTEGER;
typedef union _ULARGE_INTEGER { struct { DWORD LowPart; DWORD HighPart; }; struct { DWORD LowPart; DWORD HighPart; } u; ULONGLONG QuadPart; } ULARGE_INTEGER;
`
