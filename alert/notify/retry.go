package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Retry defaults.
const (
	DefaultAttempts = 4
	DefaultBase     = time.Second
	DefaultMaxWait  = 2 * time.Minute
)

// Retrying retries a Notifier on transport errors, 429 and 5xx answers
// and SMTP 4xx replies, waiting as Retry-After says or else with full
// jitter exponential backoff (uniform in [0, Base·2^n]), so many alerts
// failing at once do not retry in lockstep. Other errors are returned at
// once: a 4xx means the request is wrong, and sending it again would only
// delay the error the operator needs to see.
type Retrying struct {
	Notifier Notifier
	Attempts int           // tries in all; default DefaultAttempts
	Base     time.Duration // first backoff ceiling; default DefaultBase
	MaxWait  time.Duration // cap on one wait, Retry-After included; default DefaultMaxWait
	Log      *slog.Logger  // default slog.Default()

	sleep func(ctx context.Context, d time.Duration) error // for tests
}

// Name implements Notifier.
func (r Retrying) Name() string { return r.Notifier.Name() }

// Notify implements Notifier.
func (r Retrying) Notify(ctx context.Context, a Alert) error {
	attempts := r.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	log := r.Log
	if log == nil {
		log = slog.Default()
	}
	sleep := r.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	var err error
	for n := range attempts {
		if err = r.Notifier.Notify(ctx, a); err == nil {
			return nil
		}
		retry, hint := retryable(err)
		if !retry || ctx.Err() != nil {
			return err
		}
		if n == attempts-1 {
			break
		}
		wait := r.wait(n, hint)
		log.WarnContext(ctx, "alert delivery failed; retrying",
			"channel", r.Notifier.Name(), "group", a.GroupKey, "attempt", n+1, "of", attempts, "in", wait, "err", err)
		if serr := sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%w (gave up waiting to retry: %w)", err, serr)
		}
	}
	return fmt.Errorf("after %d attempts: %w", attempts, err)
}

// wait is the server's hint when it gave one, else the jittered backoff.
func (r Retrying) wait(attempt int, hint time.Duration) time.Duration {
	maxWait := r.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait
	}
	if hint > 0 {
		return min(hint, maxWait)
	}
	base := r.Base
	if base <= 0 {
		base = DefaultBase
	}
	ceiling := min(base<<min(attempt, 20), maxWait)
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// retryable says whether err is worth another try, and how long the
// receiver asked us to wait.
func retryable(err error) (bool, time.Duration) {
	var pe permanentError
	if errors.As(err, &pe) || errors.Is(err, context.Canceled) {
		return false, 0
	}
	var se *StatusError
	if errors.As(err, &se) {
		return se.Temporary(), se.RetryAfter
	}
	return true, 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
