/* Stand-in for bcryptprimitives.dll on Wine 8, which lacks ProcessPrng.
 * Go >= 1.22 on Windows loads bcryptprimitives.dll!ProcessPrng at start.
 * Built by .ci/wine-env and copied into the Wine prefix only; never shipped. */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!RtlGenRandom(data, n)) return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
