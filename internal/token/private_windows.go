//go:build windows

package token

import (
	"golang.org/x/sys/windows"
)

// userOnlySD is a protected DACL (no inherited entries) granting this user alone full access.
func userOnlySD() (*windows.SECURITY_DESCRIPTOR, error) {
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, err
	}
	return windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + user.User.Sid.String() + ")")
}

// makePrivate replaces the file's inherited ACL with userOnlySD's.
func makePrivate(path string) error {
	sd, err := userOnlySD()
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	return windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
}

// checkPrivate: Windows files carry ACLs that makePrivate set; a file the user edited by hand is taken as is.
func checkPrivate(string) error { return nil }
