//go:build !unix

package bus

// lockDir is a no-op where flock is unavailable; running two brokers on one
// directory is then the operator's mistake to avoid.
func lockDir(string) (func() error, error) {
	return func() error { return nil }, nil
}
