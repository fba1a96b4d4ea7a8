// Package cdecl converts C declarations (a vendor's header, a user's struct) into a Kaitai layout (.ksy)
// laid out exactly as the C compiler of a target ABI lays the struct out: offsets, sizes, padding and
// bit-fields are those of modernc.org/cc/v4's record layout for the ABI (Config.ABILayout: gcc's rules on
// Linux, Microsoft's as MinGW applies them on Windows), checked in this package's tests against gcc,
// x86_64 and i686 MinGW and aarch64 gcc, member by member, and by decoding what programs they built wrote.
//
// # What is accepted
//
// C declarations: every integer and floating type with the ABI's sizes (long is 4 bytes on Windows, 8 on
// 64-bit Linux; plain char is signed on x86, unsigned on arm64), <stdint.h>, <stddef.h>, <stdbool.h>,
// <wchar.h> and <uchar.h> types and the Windows typedefs (BYTE, WORD, DWORD, LONG, BOOL, WCHAR, HANDLE,
// LARGE_INTEGER, …) from a built-in prelude: no system header is read, and an #include of anything but
// those headers' names (stdint.h, windows.h, …: they are satisfied by the prelude) is a problem.
// TCHAR is CHAR unless UNICODE is defined (by the header, before TCHAR is used), then WCHAR, as
// <windows.h> declares it; WCHAR is UTF-16 on every ABI (as Wine declares it on Linux), wchar_t is the
// ABI's (2 bytes on Windows, 4 on Linux). #pragma pack, __attribute__((packed, aligned(n))), #define
// constants and enum values in array sizes, nested, named and anonymous structs and unions, arrays of any
// dimension, enums, bit-fields and _Static_assert (checked for the target ABI: a header's own size checks
// fail where they should) are laid out as the compiler does.
//
// The C-compatible subset of C++ that POD headers are written in is rewritten into C before the C front end
// reads it, each token kept at its line and column (what goes is blanked): namespace N { … } and
// extern "C" { … } around declarations, public:/private:, the class of enum class, constexpr constants
// (alone on their line: they become #define lines), static_assert, bool, alignas, and a struct, union or
// enum's name used without its keyword (a typedef is added at the end of the line that defines it). Refused,
// each at its line and column, as declaring no C layout: classes, inheritance, templates, virtual,
// operators, qualified names (::), functions with bodies (also C ones), flexible array members and arrays
// of no length (the length is not in the struct), packed enums (their size is not laid out by the front end:
// an enum with a fixed type, enum E : uint8_t, is), and a bit-field of a union's second or later member
// that starts inside a byte (a Kaitai instance starts at a byte). What the rewrite refuses is listed alone;
// the C front end's problems come once the rewrite has none (it stops at its first syntax error).
//
// # What is generated
//
// The layout's top level is the struct (its meta/id is Options.ID), with meta endian le, bit-endian le when
// there are bit-fields, and a doc naming the struct and the ABI. Each struct or union it uses becomes a type
// of its own (once, however often it is used), named by its tag, else its typedef, else the member that has
// it. Every byte is placed: padding (tail padding included) is an unnamed `size: N` entry, so a type's size
// is C's sizeof; a bit-field is a bN field, a gap between bit-fields an unnamed bN, and a field that is not a
// bit-field starts at a byte as in C. Comments become doc: a comment trailing a member on its line, else
// the comments ending on the line above it.
//
// Types: numbers as u/s/f of their size; pointers as unsigned integers of the ABI's pointer size; bool as u1;
// what Kaitai has no number for (a 16-byte long double, __int128, _Complex) as bytes with a doc; an enum as
// a Kaitai enum (in enums:) on an integer of the C enum's size (aliases of a value keep the first name);
// plain char[N] (and char8_t) as strz of N bytes in Options.Encoding (default UTF-8), wchar_t, WCHAR,
// char16_t and char32_t arrays as strz in UTF-16LE (2-byte characters) or UTF-32LE (4-byte); other integer
// arrays stay arrays of numbers; a struct member as its type, with its size (a substream, so that an
// instance's position in it is relative to it).
//
// A multi-dimensional array is one flat array (repeat-expr: the product of the dimensions) in C's order,
// with a doc giving the dimensions and the index of item [i0][i1]…; an array of strings keeps its last
// dimension as the string's size.
//
// A union's first member is the field (followed by padding to the union's size: the whole union is
// consumed); its other members are instances at the same position (pos:). An anonymous struct or union
// member is flattened into its parent as C does (its members are the parent's, an anonymous union's others
// instances of the parent).
//
// # Names
//
// A field, type or enum value's id is its C name in Kaitai's spelling: words split where a lower-case
// letter is followed by an upper-case one (mSpeedKmh: m_speed_kmh) and before the last capital of a run
// followed by a lower-case letter (RPMValue: rpm_value; digits do not split: P2PActivations:
// p2p_activations), lower-cased, other characters and runs of _ made one _, leading and trailing _ dropped;
// a name then starting with a digit gets n_ before it, a Kaitai keyword (and, or, not, true, false, as,
// sizeof, bitsizeof) gets _ after it, and a second use of an id in the same type gets _2 (then _3…). Where
// the id differs from the C name, -orig-id keeps the C name.
//
// # The ABI
//
// The ABI is the one of the producer's process, not the daemon's: a Windows game run by Proton or Wine on
// Linux is a Windows program, built by MSVC for Windows' ABI (long of 4 bytes, wchar_t of 2, Microsoft's
// bit-fields), so a Linux user reading it picks windows-amd64. DefaultABI is the ABI of the producers the
// daemon's own OS runs natively.
//
// # Bounds
//
// A header is client input: at most MaxSource bytes, macro expansion bounded (cc's ExpansionLimit),
// nesting of braces, brackets and parentheses at most 64 deep, at most
// 256 prefix operators in a row, at most 4,096 tokens between two of ; , { and }, structs unfolding to at most
// 2^20 members (cc's check of a struct larger than it can count walks it again for each use), structs nested at most 32 deep, at most
// 10,000 entries in the generated layout, arrays of at most 2^20 items, a struct of at most 1 GiB, and at
// most 100 problems listed (one more says how many were left out).
package cdecl
