package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unsafe"

	"github.com/ebitengine/purego"
)

// libchdbEnv names the environment variable that points at libchdb.so.
const libchdbEnv = "CHDB_LIB_PATH"

// systemLibchdb is where chDB's own installer puts the library.
const systemLibchdb = "/usr/local/lib/libchdb.so"

// chdbLib is our own binding to the "new API" of chdb.h. We do not use
// chdb-go: its init() dlopens the library and panics when it is missing,
// which would take down every earshot command, including server mode.
type chdbLib struct {
	path string

	// chdb_connection *chdb_connect(int argc, char **argv)
	connect func(argc int32, argv unsafe.Pointer) unsafe.Pointer
	// void chdb_close_conn(chdb_connection *conn)
	closeConn func(conn unsafe.Pointer)
	// chdb_result *chdb_query(chdb_connection conn, const char *query, const char *format)
	query func(conn unsafe.Pointer, query, format *byte) unsafe.Pointer
	// void chdb_destroy_query_result(chdb_result *result)
	destroyResult func(res unsafe.Pointer)
	// char *chdb_result_buffer(chdb_result *result)
	resultBuffer func(res unsafe.Pointer) *byte
	// size_t chdb_result_length(chdb_result *result)
	resultLength func(res unsafe.Pointer) uint64
	// const char *chdb_result_error(chdb_result *result)
	resultError func(res unsafe.Pointer) *byte
}

// loadChdb dlopens libchdb and binds the functions we use. A library that is
// found but cannot be loaded is reported as such, not as missing.
func loadChdb(explicit string) (*chdbLib, error) {
	path, err := findLibchdb(explicit)
	if err != nil {
		return nil, err
	}
	handle, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return nil, fmt.Errorf("load libchdb from %s: %w", path, err)
	}
	lib := &chdbLib{path: path}
	syms := []struct {
		name string
		fn   any
	}{
		{"chdb_connect", &lib.connect},
		{"chdb_close_conn", &lib.closeConn},
		{"chdb_query", &lib.query},
		{"chdb_destroy_query_result", &lib.destroyResult},
		{"chdb_result_buffer", &lib.resultBuffer},
		{"chdb_result_length", &lib.resultLength},
		{"chdb_result_error", &lib.resultError},
	}
	for _, s := range syms {
		// Dlsym first: RegisterLibFunc would panic on a missing symbol.
		addr, err := purego.Dlsym(handle, s.name)
		if err != nil {
			return nil, fmt.Errorf("libchdb at %s lacks %s (too old? want 26.x): %w", path, s.name, err)
		}
		purego.RegisterFunc(s.fn, addr)
	}
	return lib, nil
}

// findLibchdb resolves the library path: explicit, then $CHDB_LIB_PATH, then
// .libchdb/libchdb.so in the current directory or any parent, then the same
// from the executable's directory up (so a binary built inside the repo finds
// the repo's copy wherever it is run from), then /usr/local/lib.
func findLibchdb(explicit string) (string, error) {
	if explicit != "" {
		return mustExist(explicit, "Config.LibPath")
	}
	if env := os.Getenv(libchdbEnv); env != "" {
		return mustExist(env, libchdbEnv)
	}
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		starts = append(starts, filepath.Dir(exe))
	}
	tried := make([]string, 0, 8)
	for _, start := range starts {
		for dir := start; ; dir = filepath.Dir(dir) {
			p := filepath.Join(dir, ".libchdb", "libchdb.so")
			if isFile(p) {
				return p, nil
			}
			if parent := filepath.Dir(dir); parent == dir {
				break
			}
		}
		tried = append(tried, start+"/…/.libchdb/libchdb.so")
	}
	if isFile(systemLibchdb) {
		return systemLibchdb, nil
	}
	tried = append(tried, systemLibchdb)
	return "", fmt.Errorf("looked in %v: %w", tried, ErrLibraryMissing)
}

func mustExist(path, from string) (string, error) {
	if isFile(path) {
		return path, nil
	}
	if _, err := os.Stat(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("libchdb path %s (from %s): %w", path, from, err)
	}
	return "", fmt.Errorf("libchdb path %s (from %s) is not a file: %w", path, from, ErrLibraryMissing)
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

// cString returns a NUL-terminated copy of s for C.
func cString(s string) *byte {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// goString copies a NUL-terminated C string.
func goString(p *byte) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
