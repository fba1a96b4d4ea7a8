package token

// Windows-only: the token file's privacy is its ACL, not a mode. Wine accepts SetNamedSecurityInfo but does not
// keep file DACLs (it reads back its default ACL), so under Wine this checks the descriptor that is applied.

import (
	"testing"

	"golang.org/x/sys/windows"
)

func TestTokenFileDACLIsUserOnly(t *testing.T) {
	sd, err := userOnlySD()
	if err != nil {
		t.Fatal(err)
	}
	user, _ := windows.GetCurrentProcessToken().GetTokenUser()
	if got, want := sd.String(), "D:P(A;;FA;;;"+user.User.Sid.String()+")"; got != want {
		t.Fatalf("token file DACL %s, want %s (protected, this user only)", got, want)
	}
	control, _, err := sd.Control()
	if err != nil || control&windows.SE_DACL_PROTECTED == 0 {
		t.Fatalf("DACL not protected from inheritance: %v %v", control, err)
	}
}
