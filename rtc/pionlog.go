package rtc

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLoggers routes pion's logs to the session's logger, with the pion
// scope ("ice", "dtls", …) as an attribute. Pion's trace level is dropped.
type pionLoggers struct{ log *slog.Logger }

// NewLogger implements logging.LoggerFactory.
func (f pionLoggers) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.log.With("pion", scope)}
}

// pionLogger is a logging.LeveledLogger on slog.
type pionLogger struct{ l *slog.Logger }

func (p pionLogger) logf(level slog.Level, format string, args ...any) {
	if p.l.Enabled(context.Background(), level) { // Format only what is kept.
		p.l.Log(context.Background(), level, fmt.Sprintf(format, args...))
	}
}

// Trace implements logging.LeveledLogger.
func (p pionLogger) Trace(string) {}

// Tracef implements logging.LeveledLogger.
func (p pionLogger) Tracef(string, ...any) {}

// Debug implements logging.LeveledLogger.
func (p pionLogger) Debug(msg string) { p.l.Debug(msg) }

// Debugf implements logging.LeveledLogger.
func (p pionLogger) Debugf(format string, args ...any) { p.logf(slog.LevelDebug, format, args...) }

// Info implements logging.LeveledLogger.
func (p pionLogger) Info(msg string) { p.l.Info(msg) }

// Infof implements logging.LeveledLogger.
func (p pionLogger) Infof(format string, args ...any) { p.logf(slog.LevelInfo, format, args...) }

// Warn implements logging.LeveledLogger.
func (p pionLogger) Warn(msg string) { p.l.Warn(msg) }

// Warnf implements logging.LeveledLogger.
func (p pionLogger) Warnf(format string, args ...any) { p.logf(slog.LevelWarn, format, args...) }

// Error implements logging.LeveledLogger.
func (p pionLogger) Error(msg string) { p.l.Error(msg) }

// Errorf implements logging.LeveledLogger.
func (p pionLogger) Errorf(format string, args ...any) { p.logf(slog.LevelError, format, args...) }
