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
RUN CGO_ENABLED=0 go build -trimpath -o /out/kaa ./cmd/kaa

# Static base: CA certificates and time zones, no shell, runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kaa /kaa
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/kaa"]
CMD ["serve"]
