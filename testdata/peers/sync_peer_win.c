/* A native Windows peer for shmbridge's synchronization interop tests, built with mingw (-municode) and run
 * under Wine: CreateFileMapping/CreateEvent/SetEvent/WaitForSingleObject and CreateMutex, as native programs
 * (iRacing's data-valid event, HWiNFO's mutex) use them. The same roles as sync_peer_linux.c:
 *
 *   sync_peer server MAP READY ACK TEXT  create the mapping and two auto-reset events, write TEXT (UTF-8,
 *                                        NUL-terminated), print READY, SetEvent(READY), wait up to 20 s for ACK:
 *                                        exit 0 if it came, 5 if not
 *   sync_peer client MAP READY ACK       open them (retrying up to 10 s), wait up to 20 s for READY, print the
 *                                        text as hex, SetEvent(ACK); exit 0, or 5 if READY never came
 *   sync_peer hold MUTEX MS              open or create the mutex, wait for it, print LOCKED, Sleep(MS),
 *                                        ReleaseMutex, print RELEASED
 *   sync_peer abandon MUTEX              wait for the mutex, print LOCKED, exit without releasing it
 *                                        (its next owner gets WAIT_ABANDONED)
 *   sync_peer tick MAP EVENT N MS        open the mapping (4 KiB) and EVENT ("-": none); N times, every MS ms:
 *                                        write the count (uint32, little-endian) at 0 and its low byte over bytes
 *                                        4-63 (64 bytes changed), then SetEvent, and ResetEvent 5 ms later (a
 *                                        manual-reset event fires once per tick); print DONE
 *   sync_peer stamp MAP N MS             open the mapping; N times, every MS ms, write the wall-clock time in
 *                                        milliseconds since 1970 (uint64, little-endian) at 0; print DONE
 *
 * Exit codes: 0 ok, 2 usage, 4 failure, 5 timeout. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define SIZE 4096

static void ready(const char *what) { printf("%s\n", what); fflush(stdout); }

int wmain(int argc, wchar_t **argv) {
    if (argc < 3) return 2;
    const wchar_t *role = argv[1];
    if (wcscmp(role, L"server") == 0 && argc == 6) {
        HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SIZE, argv[2]);
        HANDLE rd = CreateEventW(NULL, FALSE, FALSE, argv[3]), ack = CreateEventW(NULL, FALSE, FALSE, argv[4]);
        if (!h || !rd || !ack) { fprintf(stderr, "create: %lu\n", GetLastError()); return 4; }
        char *view = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
        if (!view) return 4;
        if (!WideCharToMultiByte(CP_UTF8, 0, argv[5], -1, view, SIZE, NULL, NULL)) return 4;
        ready("READY");
        SetEvent(rd);
        DWORD r = WaitForSingleObject(ack, 20000);
        UnmapViewOfFile(view);
        CloseHandle(h); CloseHandle(rd); CloseHandle(ack);
        return r == WAIT_OBJECT_0 ? 0 : 5;
    }
    if (wcscmp(role, L"client") == 0 && argc == 5) {
        HANDLE h = NULL, rd = NULL, ack = NULL;
        for (int i = 0; i < 1000 && !(h && rd && ack); i++) {
            if (!h) h = OpenFileMappingW(FILE_MAP_READ, FALSE, argv[2]);
            if (!rd) rd = OpenEventW(SYNCHRONIZE, FALSE, argv[3]);
            if (!ack) ack = OpenEventW(EVENT_MODIFY_STATE, FALSE, argv[4]);
            if (!(h && rd && ack)) Sleep(10);
        }
        if (!h || !rd || !ack) { fprintf(stderr, "open: %lu\n", GetLastError()); return 4; }
        ready("OPENED");
        if (WaitForSingleObject(rd, 20000) != WAIT_OBJECT_0) return 5;
        const char *view = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
        if (!view) return 4;
        for (const char *p = view; *p && p < view + SIZE; p++) printf("%02x", (unsigned char)*p);
        printf("\n");
        fflush(stdout);
        SetEvent(ack);
        return 0;
    }
    if ((wcscmp(role, L"hold") == 0 && argc == 4) || (wcscmp(role, L"abandon") == 0 && argc == 3)) {
        HANDLE m = CreateMutexW(NULL, FALSE, argv[2]);
        if (!m) { fprintf(stderr, "CreateMutex: %lu\n", GetLastError()); return 4; }
        DWORD r = WaitForSingleObject(m, 20000);
        if (r != WAIT_OBJECT_0 && r != WAIT_ABANDONED) return 5;
        ready("LOCKED");
        if (wcscmp(role, L"abandon") == 0) ExitProcess(0); /* owned mutex left behind: abandoned */
        Sleep(_wtoi(argv[3]));
        ReleaseMutex(m);
        ready("RELEASED");
        CloseHandle(m);
        return 0;
    }
    if (wcscmp(role, L"tick") == 0 && argc == 6) {
        HANDLE h = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, argv[2]);
        HANDLE ev = wcscmp(argv[3], L"-") == 0 ? NULL : OpenEventW(EVENT_MODIFY_STATE, FALSE, argv[3]);
        if (!h || (wcscmp(argv[3], L"-") != 0 && !ev)) { fprintf(stderr, "open: %lu\n", GetLastError()); return 4; }
        volatile char *view = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
        if (!view) return 4;
        int n = _wtoi(argv[4]), ms = _wtoi(argv[5]);
        for (unsigned i = 1; i <= (unsigned)n; i++) {
            for (int j = 4; j < 64; j++) view[j] = (char)(i & 0xff);
            InterlockedExchange((volatile LONG *)view, (LONG)i);
            if (ev) {
                SetEvent(ev);
                Sleep(5);
                ResetEvent(ev);
            }
            Sleep(ms > 5 && ev ? ms - 5 : ms);
        }
        ready("DONE");
        return 0;
    }
    if (wcscmp(role, L"stamp") == 0 && argc == 5) {
        HANDLE h = OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, argv[2]);
        if (!h) { fprintf(stderr, "open: %lu\n", GetLastError()); return 4; }
        volatile LONG64 *view = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
        if (!view) return 4;
        int n = _wtoi(argv[3]), ms = _wtoi(argv[4]);
        for (int i = 0; i < n; i++) {
            FILETIME ft;
            GetSystemTimeAsFileTime(&ft); /* 100 ns since 1601 */
            ULONGLONG t = ((ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime) / 10000 - 11644473600000ULL;
            InterlockedExchange64(view, (LONG64)t);
            Sleep(ms);
        }
        ready("DONE");
        return 0;
    }
    return 2;
}
