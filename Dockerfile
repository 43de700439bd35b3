# Production image of kaa: one static binary on a distroless base.
# Build:  docker build -t kaa .
# Run:    docker run --rm -e APP_DATABASE_URL=... -p 8080:8080 kaa            (kaa serve)
#         docker run --rm -e DATABASE_URL=... kaa migrate up                   (as the schema owner)
# See docs/operations.md. The tests never need Docker.

FROM golang:1.27.3-bookworm AS build
ENV GOTOOLCHAIN=go1.27.3
WORKDIR /src
# Modules first, so that a code change does not download them again.
COPY go.mod go.sum ./
RUN go mod download
# Only what the binary is built from (no .dev/, no .git/).
COPY cmd ./cmd
COPY internal ./internal
COPY migrations ./migrations
COPY web ./web
# The build context has no .git, so the version and commit come as build
# arguments (docker-compose.yml passes KAA_VERSION and KAA_COMMIT); `kaa
# version` and the metric kaa_build_info show them.
ARG KAA_VERSION=""
ARG KAA_COMMIT=""
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-X github.com/kaa-plattform/kaa/internal/buildinfo.version=${KAA_VERSION} -X github.com/kaa-plattform/kaa/internal/buildinfo.commit=${KAA_COMMIT}" \
      -o /out/kaa ./cmd/kaa

# Static base: CA certificates, no shell, runs as uid 65532. The binary carries
# its own time zones (time/tzdata) and its own health check (kaa healthcheck).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kaa /kaa
USER nonroot:nonroot
EXPOSE 8080 9090
ENTRYPOINT ["/kaa"]
CMD ["serve"]
