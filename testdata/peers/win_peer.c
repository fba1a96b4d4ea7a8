/* A native Windows peer for shmbridge's interop tests, built with mingw (-municode) and run under Wine.
 *
 *   win_peer write NAME ascii|utf16 TEXT  create the named mapping, CopyMemory TEXT into it (as char or WCHAR,
 *                                         NUL-terminated), print READY, hold it until stdin closes or a line
 *                                         arrives
 *   win_peer read NAME ascii|utf16        OpenFileMapping NAME, print the string at its start as hex UTF-8
 *
 * Exit codes: 0 ok, 2 usage, 3 mapping not found, 4 other failure. */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define SIZE 4096

static void print_hex(const char *s, int n) {
    for (int i = 0; i < n; i++) printf("%02x", (unsigned char)s[i]);
    printf("\n");
    fflush(stdout);
}

int wmain(int argc, wchar_t **argv) {
    if (argc < 4) return 2;
    const wchar_t *role = argv[1], *name = argv[2];
    int utf16 = wcscmp(argv[3], L"utf16") == 0;

    if (wcscmp(role, L"write") == 0 && argc == 5) {
        HANDLE h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, SIZE, name);
        if (h == NULL) { fprintf(stderr, "CreateFileMapping: %lu\n", GetLastError()); return 4; }
        if (GetLastError() == ERROR_ALREADY_EXISTS) { fprintf(stderr, "exists\n"); return 4; }
        char *view = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, SIZE);
        if (view == NULL) { fprintf(stderr, "MapViewOfFile: %lu\n", GetLastError()); return 4; }
        if (utf16) {
            CopyMemory(view, argv[4], (wcslen(argv[4]) + 1) * sizeof(WCHAR));
        } else {
            char buf[SIZE];
            int n = WideCharToMultiByte(CP_UTF8, 0, argv[4], -1, buf, sizeof buf, NULL, NULL);
            if (n == 0) return 4;
            CopyMemory(view, buf, n); /* n counts the NUL */
        }
        printf("READY\n");
        fflush(stdout);
        char line[16];
        fgets(line, sizeof line, stdin); /* hold the mapping until the test says so */
        UnmapViewOfFile(view);
        CloseHandle(h);
        return 0;
    }
    if (wcscmp(role, L"read") == 0) {
        HANDLE h = OpenFileMappingW(FILE_MAP_READ, FALSE, name);
        if (h == NULL) { fprintf(stderr, "OpenFileMapping: %lu\n", GetLastError()); return GetLastError() == ERROR_FILE_NOT_FOUND ? 3 : 4; }
        const char *view = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
        if (view == NULL) { fprintf(stderr, "MapViewOfFile: %lu\n", GetLastError()); return 4; }
        if (utf16) {
            char buf[SIZE * 2];
            int n = WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)view, -1, buf, sizeof buf, NULL, NULL);
            if (n == 0) return 4;
            print_hex(buf, n - 1);
        } else {
            print_hex(view, (int)strnlen(view, SIZE));
        }
        UnmapViewOfFile(view);
        CloseHandle(h);
        return 0;
    }
    return 2;
}
