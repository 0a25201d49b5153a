# One image for every PenguinCast service. `docker run IMAGE` runs the single process;
# `docker run IMAGE ingest|edge|admin|stats` runs that service (`penguincast <service>`), with
# the config at /etc/penguincast/config.json (mount your own) and PENGUINCAST_* variables
# overriding it. The base image is a build argument: any Debian-based image with Node.js 20 or
# newer and npm on PATH. The default is Docker Hub's official one; where no registry is
# reachable, scripts/docker-base-image.sh makes an equivalent from Debian and the npm registry.
ARG BASE_IMAGE=node:20-bookworm-slim

# Build: install every dependency, compile the workspaces, then keep only what runs. Few steps on
# purpose: with some storage drivers (vfs) each layer is a full copy of the file system.
FROM ${BASE_IMAGE} AS build
WORKDIR /src
ENV TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 npm_config_update_notifier=false \
    npm_config_fund=false npm_config_audit=false
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build -- --output-logs=errors-only \
 && npm prune --omit=dev --no-audit --no-fund \
 && mkdir -p /out/app \
 && cp -a package.json node_modules /out/app/ \
 && for ws in libs/* services/* penguincast; do \
      mkdir -p "/out/app/$ws" && cp -a "$ws/package.json" "/out/app/$ws/" \
      && if [ -d "$ws/dist" ]; then cp -a "$ws/dist" "/out/app/$ws/"; fi; \
    done \
 && cp -a penguincast/bin /out/app/penguincast/ \
 && cp deploy/docker/healthcheck.mjs /out/app/healthcheck.mjs \
 && mkdir -p /out/etc && cp deploy/config.json /out/etc/config.json

# Run: the base image, the compiled workspaces with their production dependencies (owned by
# root, read-only to the service), and an unprivileged user whose only writable folder is
# /var/lib/penguincast (logs and dump files).
FROM ${BASE_IMAGE}
RUN echo 'penguincast:x:10001:10001:PenguinCast:/var/lib/penguincast:/usr/sbin/nologin' >>/etc/passwd \
 && echo 'penguincast:x:10001:' >>/etc/group \
 && mkdir -p /var/lib/penguincast/log /etc/penguincast \
 && chown -R 10001:10001 /var/lib/penguincast
COPY --from=build /out/app /app
COPY --from=build /out/etc/config.json /etc/penguincast/config.json
ENV NODE_ENV=production \
    PENGUINCAST_CONFIG=/etc/penguincast/config.json \
    PENGUINCAST_BIND_ADDRESS=0.0.0.0
WORKDIR /var/lib/penguincast
USER 10001:10001
# Edge (public; +1 for SHOUTcast v1 sources), ingest (+1 likewise), admin, stats.
EXPOSE 8000 8001 8002 8080 9100
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/penguincast/bin/penguincast.js"]
CMD []
