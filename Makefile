# earshot: the two commands of the quickstart, and a few for development.

GO ?= go
BIN := bin/earshot

.PHONY: demo test build libchdb bench fuzz lint clean dashboards

## demo: install the embedded engine if needed, build, run the one-minute demo
demo: build
	./$(BIN) demo

## test: every test, with a throwaway ClickHouse server (see scripts/test.sh)
test:
	bash scripts/test.sh

build: libchdb
	$(GO) build -o $(BIN) ./cmd/earshot

libchdb:
	bash scripts/install-libchdb.sh

## bench: the stage benchmarks named in the issues
bench: libchdb
	$(GO) test -run '^$$' -bench . -benchtime 3x ./event/ ./rollup/ ./bus/ ./store/

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./event/

## dashboards: regenerate dashboards/json from the Go code in dashboards/gen
dashboards:
	$(GO) run ./dashboards/gen -out dashboards/json

lint:
	test -z "$$(gofmt -l .)"
	$(GO) vet ./...

clean:
	rm -rf bin earshot-demo
