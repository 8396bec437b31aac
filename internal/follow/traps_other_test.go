//go:build !unix

package follow

import "errors"

func syscallMkfifo(string) error { return errors.ErrUnsupported }
