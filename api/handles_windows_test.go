package api_test

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

var getProcessHandleCount = windows.NewLazySystemDLL("kernel32.dll").NewProc("GetProcessHandleCount")

// openHandles counts this process's open handles (GetProcessHandleCount); 0 where the OS does not say (Wine).
func openHandles() int {
	var n uint32
	if r, _, _ := getProcessHandleCount.Call(uintptr(windows.CurrentProcess()), uintptr(unsafe.Pointer(&n))); r == 0 {
		return -1
	}
	return int(n)
}
