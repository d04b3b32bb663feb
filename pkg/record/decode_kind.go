package record

import "fmt"

// decoders decode a value of each output kind into a new record: the
// codec half of kinds.
var decoders = [NumKinds]func(line []byte) (Record, error){
	KindTrade:        decodeNew(DecodeTrade),
	KindEvent:        decodeNew(DecodeEvent),
	KindBar:          decodeNew(DecodeBar),
	KindSMA:          decodeNew(DecodeSMA),
	KindProfit:       decodeNew(DecodeProfit),
	KindReject:       decodeNew(DecodeReject),
	KindBook:         decodeNew(DecodeBookUpdate),
	KindBookSnapshot: decodeNew(DecodeBookSnapshot),
	KindStatus:       decodeNew(DecodeStatus),
}

// decodeNew makes a decoder into a new *T from dec.
func decodeNew[T any, P interface {
	*T
	Record
}](dec func([]byte, P) error) func([]byte) (Record, error) {
	return func(line []byte) (Record, error) {
		r := P(new(T))
		if err := dec(line, r); err != nil {
			return nil, err
		}
		return r, nil
	}
}

// Decode decodes line, one value of k's topic, into a new record of kind
// k with the checks of that kind's decoder (DecodeTrade, DecodeEvent, ...),
// whose error it returns as is.
func (k Kind) Decode(line []byte) (Record, error) {
	if k >= NumKinds {
		return nil, fmt.Errorf("record: expected a kind below %d, got %d", NumKinds, k)
	}
	return decoders[k](line)
}
