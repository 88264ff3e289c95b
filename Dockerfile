# syntax=docker/dockerfile:1.7
# Container image of the prodready CLI: `docker run --rm -v "$PWD:/repo" prodready audit /repo`.
FROM rust:1.88-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/prodready /usr/local/bin/prodready
WORKDIR /repo
USER nonroot
ENTRYPOINT ["/usr/local/bin/prodready"]
CMD ["audit", "/repo"]
