# syntax=docker/dockerfile:1
# Hearth in a container: built with the Rust toolchain image, run on slim Debian as a
# non-root user, the binary alone (web assets, migrations, the national policy pack and the
# bank holidays are built into it). Everything Hearth writes lives under /var/lib/hearth,
# so the root file system can be read-only:
#
#   docker build -t hearth .
#   docker run -d --name hearth --read-only --tmpfs /tmp -p 8080:8080 \
#     -v hearth-data:/var/lib/hearth --stop-timeout 30 hearth
#   docker exec -it hearth hearth user add pat.admin --name "Pat Admin" --role administrator
#
# See docs/ADMIN-GUIDE.md, "Running in production".

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates ./crates
COPY data ./data
# The registry and the target directory are build caches, not layers; the binary is copied
# out of the cache so that the next stage can take it.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p hearth-cli --bin hearth \
    && install -m 0755 target/release/hearth /usr/local/bin/hearth

FROM debian:bookworm-slim
# curl only for the health check below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 hearth \
    && useradd --system --uid 10001 --gid hearth --home-dir /var/lib/hearth --shell /usr/sbin/nologin hearth \
    && install -d -o hearth -g hearth -m 0750 /var/lib/hearth
COPY --from=build /usr/local/bin/hearth /usr/local/bin/hearth

# Defaults for a container: listen on every interface of the container, keep the SQLite
# database in the volume. Hearth is meant to sit behind an HTTPS reverse proxy: keep
# secure cookies on and set HEARTH_HSTS=true and HEARTH_PUBLIC_URL there. For PostgreSQL,
# set HEARTH_DATABASE_URL=postgres://hearth@db.example/hearth (password in ~/.pgpass or the URL).
ENV HEARTH_BIND=0.0.0.0:8080 \
    HEARTH_DATABASE_URL=sqlite:///var/lib/hearth/hearth.db \
    HEARTH_CALENDAR_FILE=/var/lib/hearth/bank-holidays.json \
    HEARTH_LOG=info

# hearth.toml, if any, is read from the working directory.
WORKDIR /var/lib/hearth
VOLUME ["/var/lib/hearth"]
USER hearth:hearth
EXPOSE 8080
# /healthz answers 200 while the database answers, 503 when it does not.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/healthz || exit 1
# docker stop sends SIGTERM; give the server time to finish its requests (--stop-timeout 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/hearth"]
CMD ["serve"]
