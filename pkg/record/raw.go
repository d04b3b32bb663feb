package record

// MaxRaw is how much of an undecodable input record a reject keeps in its
// Raw field.
const MaxRaw = 1024

// RawText is the Raw field of a reject for the input record b: its first
// MaxRaw bytes.
func RawText(b []byte) string {
	if len(b) > MaxRaw {
		b = b[:MaxRaw]
	}
	return string(b)
}
