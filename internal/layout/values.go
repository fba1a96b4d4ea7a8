package layout

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// enumValue is an integer read through an enum.
type enumValue struct {
	e *enumSpec
	v any // int64 or uint64
}

// name is the enum member e is, "" when it is none.
func (e enumValue) name() string {
	var key [20]byte // the decimal digits of any int64 or uint64
	switch v := e.v.(type) {
	case int64:
		return e.e.byVal[string(strconv.AppendInt(key[:0], v, 10))]
	case uint64:
		return e.e.byVal[string(strconv.AppendUint(key[:0], v, 10))]
	}
	return ""
}

// toEnum is v read through the enum e: an integer (or a b1's boolean) becomes an enumValue.
func toEnum(e *enumSpec, v any) any {
	switch v := v.(type) {
	case int64, uint64:
		return enumValue{e: e, v: v}
	case bool:
		if v {
			return enumValue{e: e, v: int64(1)}
		}
		return enumValue{e: e, v: int64(0)}
	}
	return v
}

// byteList is an array literal of small integers: a byte array, or an array of integers, as compared.
type byteList []byte

// asInt is the integer v as an int64 (a uint64's bits).
func asInt(v any) (int64, bool) {
	switch v := v.(type) {
	case int64:
		return v, true
	case uint64:
		return int64(v), true
	}
	return 0, false
}

// isInt says whether v is an integer.
func isInt(v any) bool {
	switch v.(type) {
	case int64, uint64:
		return true
	}
	return false
}

// toBig is the integer v as a big.Int (nil for no integer).
func toBig(v any) *big.Int {
	switch v := v.(type) {
	case int64:
		return big.NewInt(v)
	case uint64:
		return new(big.Int).SetUint64(v)
	}
	return nil
}

// fromBig is b as an int64 when it fits one, else a uint64, else its low 64 bits as an int64.
func fromBig(b *big.Int) any {
	if b.IsInt64() {
		return b.Int64()
	}
	if b.IsUint64() {
		return b.Uint64()
	}
	return int64(new(big.Int).And(b, new(big.Int).SetUint64(math.MaxUint64)).Uint64())
}

// asFloat is the number v as a float64.
func asFloat(v any) (float64, bool) {
	switch v := v.(type) {
	case int64:
		return float64(v), true
	case uint64:
		return float64(v), true
	case float64:
		return v, true
	case float32:
		return float64(v), true
	}
	return 0, false
}

// show is v as an error's text says it.
func show(v any) string {
	switch v := v.(type) {
	case []byte:
		var b strings.Builder
		b.WriteByte('[')
		for i, c := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 16 {
				fmt.Fprintf(&b, "… %d bytes", len(v))
				break
			}
			fmt.Fprintf(&b, "0x%02x", c)
		}
		b.WriteByte(']')
		return b.String()
	case string:
		return fmt.Sprintf("%q", v)
	case enumValue:
		if n := v.name(); n != "" {
			return v.e.name + "::" + n
		}
		return fmt.Sprintf("%s(%v)", v.e.name, v.v)
	case *object:
		return "an object of type " + v.t.name
	case *stream:
		return "a stream"
	case nil:
		return "nothing"
	}
	return fmt.Sprint(v)
}
