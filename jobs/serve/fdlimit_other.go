//go:build !unix

package serve

import "errors"

func fdLimits() (soft, hard uint64, err error) {
	return 0, 0, errors.New("RLIMIT_NOFILE is not available on this system")
}

func raiseFDLimit(uint64) error { return errors.New("RLIMIT_NOFILE is not available on this system") }
