# syntax=docker/dockerfile:1
# siren, CPU image: Debian bookworm packages only, built the way CI builds it.
#   docker build -t siren:cpu .                      (docker compose up builds it too)
#   docker run --rm siren:cpu --help
# The CUDA variant is Dockerfile.cuda (docs/deploying.md).

# --- build: the same scripts/install-deps.sh and `make build` (cmake -G Ninja, Release) as CI -----
FROM debian:bookworm AS build
ARG SIREN_GIT_REVISION=unknown
# PyTorch's wheel (LibTorch) in a virtual environment at a fixed path, which the runtime stage copies.
ENV SIREN_GIT_REVISION=${SIREN_GIT_REVISION} \
    CCACHE_DIR=/root/.cache/ccache \
    DEBIAN_FRONTEND=noninteractive \
    SIREN_TORCH_VENV=/opt/siren-torch \
    SIREN_TORCH_PYTHON=/opt/siren-torch/bin/python
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN bash scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
# `make build` = deps (a no-op now) + cmake configure + cmake --build, exactly what `make test` runs in CI.
RUN --mount=type=cache,target=/root/.cache/ccache \
    make build BUILD_DIR=build \
 && deploy/docker/runtime-packages.sh build/server/siren-server build/client/siren > /runtime-packages.txt \
 && mkdir -p /out \
 && cp build/server/siren-server build/client/siren /out/

# --- runtime: only the packages that own the libraries the binaries load ------------------------
FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /runtime-packages.txt /tmp/runtime-packages.txt
# libblis4-openmp: siren opens BLIS at run time for its CPU products (not a link dependency ldd sees).
RUN apt-get update -qq \
 && xargs -a /tmp/runtime-packages.txt apt-get install -y -qq --no-install-recommends libblis4-openmp \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt \
 && useradd --uid 10001 --user-group --home-dir /data --no-create-home siren \
 && mkdir -p /data && chown siren:siren /data
# LibTorch's shared libraries (and the nvidia-* runtime wheels they load) at the path the binaries'
# RPATH names; no Python is needed to run them.
COPY --from=build /opt/siren-torch/lib/python3.11/site-packages/torch/lib /opt/siren-torch/lib/python3.11/site-packages/torch/lib
COPY --from=build /opt/siren-torch/lib/python3.11/site-packages/nvidia /opt/siren-torch/lib/python3.11/site-packages/nvidia
COPY --from=build /out/siren-server /out/siren /usr/local/bin/
USER siren
VOLUME /data
# 50051: gRPC (siren.v1, grpc.health.v1, reflection); 9464: Prometheus /metrics.
EXPOSE 50051 9464
# Listening beyond loopback needs a token: pass SIREN_TOKEN (docker-compose.yml does).
ENTRYPOINT ["siren-server"]
CMD ["--host=0.0.0.0", "--port=50051", "--data-dir=/data", "--metrics-host=0.0.0.0", "--metrics-port=9464"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s \
  CMD ["siren", "--server", "127.0.0.1:50051", "jobs"]
