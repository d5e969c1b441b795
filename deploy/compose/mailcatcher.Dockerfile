# The development mail catcher of the compose `mail` profile: maildev (npm, pinned by
# tests/mail/package-lock.json, the same one the tests use), a real SMTP server that keeps
# every mail it receives and shows it in a web inbox. For development only: in production
# point SMTP_URL at your own mail server (docs/deployment.md).
#
#   docker build -f deploy/compose/mailcatcher.Dockerfile -t lifeboat-mailcatcher:dev tests/mail
FROM debian:trixie-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10003 --user-group --create-home --shell /usr/sbin/nologin mail-catcher
WORKDIR /opt/maildev
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error && npm cache clean --force
USER mail-catcher
EXPOSE 1025 1080
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:1080/email').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/opt/maildev/node_modules/.bin/maildev", "--smtp", "1025", "--web", "1080"]
