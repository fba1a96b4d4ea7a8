package mqtt

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTopicLevels is the most levels a topic may have: EMQX's default limit (mosquitto's is about 200). A
// broker disconnects a client that publishes past its limit, so a publisher is refused instead.
const MaxTopicLevels = 128

// CheckTopic says what is wrong with a topic to publish to (nil: nothing). Beyond the protocol's rules (1 to
// 65535 bytes of UTF-8, no wildcards, no NUL) it refuses what a broker may disconnect a client for: control
// characters (C0, DEL, C1) and non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF), which MQTT 3.1.1 and 5 (1.5.3)
// say must not or should not appear and mosquitto takes for a malformed packet; a topic starting with $ (the
// broker's own); more than MaxTopicLevels levels.
func CheckTopic(t string) error {
	switch {
	case t == "" || len(t) > 65535:
		return errors.New("a topic is 1 to 65535 bytes")
	case !utf8.ValidString(t):
		return errors.New("a topic is UTF-8")
	case strings.ContainsAny(t, "+#"):
		return errors.New("no + or # (wildcards) in a topic to publish to")
	case strings.HasPrefix(t, "$"):
		return errors.New("a topic starting with $ is the broker's")
	case strings.Count(t, "/") >= MaxTopicLevels:
		return fmt.Errorf("at most %d levels", MaxTopicLevels)
	}
	for i, r := range t {
		if forbidden(r) {
			return fmt.Errorf("no control character or non-character in a topic: %U at byte %d", r, i)
		}
	}
	return nil
}

// forbidden: a control character (C0 with NUL, DEL, C1) or a Unicode non-character.
func forbidden(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0xfdd0 && r <= 0xfdef) || r&0xfffe == 0xfffe
}
