# syntax=docker/dockerfile:1
# LogPipeline worker image.
#   docker build -t logpipeline:dev .
# The build stage runs on the builder's platform and cross-publishes for the target architecture, so
# `docker buildx build --platform linux/amd64,linux/arm64` works without emulating the SDK.

ARG DOTNET_VERSION=10.0

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TARGETARCH
WORKDIR /src

# Restore first, from the project files only, so source edits do not invalidate the package layer.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Enrichers/Enrichers.csproj src/Enrichers/
COPY src/LogPipeline/LogPipeline.csproj src/LogPipeline/
COPY src/LogPipeline.Demo/LogPipeline.Demo.csproj src/LogPipeline.Demo/
# PublishReadyToRun at restore too: it brings the crossgen compiler for the target architecture.
RUN dotnet restore src/LogPipeline/LogPipeline.csproj -a "$TARGETARCH" -p:PublishReadyToRun=true

# index-templates/ is embedded into the assembly (templates and Kibana objects installed by `setup`).
COPY src/ src/
COPY index-templates/ index-templates/
# A framework-dependent publish for one RID keeps only that architecture's librdkafka, not every
# platform's native libraries. ReadyToRun: the worker's and the libraries' code is compiled ahead of time,
# so a restarted pod does not spend its first seconds of CPU in the JIT before its first record (hot
# methods are still re-compiled by tiering; measured in docs/worker.md § Start-up).
RUN dotnet publish src/LogPipeline/LogPipeline.csproj -c Release -a "$TARGETARCH" --no-restore \
        --self-contained false -p:UseAppHost=false -p:SatelliteResourceLanguages=en \
        -p:PublishReadyToRun=true -o /app

# The ASP.NET Core runtime image (Kestrel serves /healthz, /readyz and /metrics); no SDK, compilers or
# package managers' caches come along.
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
WORKDIR /app
COPY --from=build --chown=0:0 /app ./

# Read-only root filesystem: the runtime's diagnostic IPC socket would be created in /tmp, so it is off
# (mount an emptyDir at /tmp and set DOTNET_EnableDiagnostics=1 to attach dotnet-trace/counters).
# The worker binds its own address (Http:Address, default 0.0.0.0:9102): clear the base image's
# ASPNETCORE_HTTP_PORTS so Kestrel does not also listen on 8080.
# DOTNET_GCGen1MaxBudget and MALLOC_MMAP_THRESHOLD_ (glibc's, for librdkafka's buffers): see
# src/LogPipeline/Hosting/ImageRuntimeSettings.cs (read only from the environment; a test keeps the two in step).
ENV DOTNET_EnableDiagnostics=0 \
    DOTNET_gcServer=0 \
    DOTNET_GCGen1MaxBudget=0x1000000 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    ASPNETCORE_HTTP_PORTS= \
    DOTNET_NOLOGO=1

# The base image's non-root `app` user, by number so Kubernetes can verify runAsNonRoot.
USER 1654

EXPOSE 9102
ENTRYPOINT ["dotnet", "logpipeline.dll", "run"]
