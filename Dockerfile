# earshot in server mode: the image's stages talk to a Kafka cluster and a
# ClickHouse server (docker-compose.yml), so it carries no libchdb. The
# embedded engine is only loaded (with purego, at run time) when no ClickHouse
# address is configured; run `earshot demo` on a host with
# scripts/install-libchdb.sh for that.

# ---- build ------------------------------------------------------------------
FROM golang:1.26-bookworm AS build

WORKDIR /src

# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN go mod download

COPY . .
# No cgo: libchdb is opened with purego, not linked.
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/earshot ./cmd/earshot

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim

RUN apt-get update \
	&& apt-get install -y --no-install-recommends ca-certificates \
	&& rm -rf /var/lib/apt/lists/* \
	&& groupadd --system earshot \
	&& useradd --system --gid earshot --home-dir /var/lib/earshot --shell /usr/sbin/nologin earshot \
	&& install -d -o earshot -g earshot -m 0750 /var/lib/earshot \
	&& install -d -m 0755 /etc/earshot

COPY --from=build /out/earshot /usr/local/bin/earshot

ENV EARSHOT_DATA_DIR=/var/lib/earshot
WORKDIR /var/lib/earshot
USER earshot:earshot

# Prometheus metrics and health, when EARSHOT_HTTP__LISTEN is 0.0.0.0:9464.
EXPOSE 9464

ENTRYPOINT ["earshot"]
CMD ["--help"]
