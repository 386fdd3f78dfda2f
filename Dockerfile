# The bot in a container: `docker compose up -d` (compose.yaml), or
#   docker build -t civic-events-bot . && docker run --env-file .env -v civic-data:/data civic-events-bot
# Settings come from the environment (.env.example lists them); nothing secret is in the image.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The bot reads time zones from the tzdata Python package (bot/__main__.py); the system's
# tzdata is for everything else in the container (logs' local time, a shell's `date`).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The dependencies first, in a layer of their own: a change to the code does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Run from the source tree (`python -m bot` in /app): migrations, catalogs and config are
# read next to the code.
COPY . .

# Not root: the bot needs to write only its database and its backups, both on volumes.
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data /backups \
    && chown bot:bot /data /backups
USER bot

ENV DATABASE_PATH=/data/bot.sqlite3 \
    LISTEN_HOST=0.0.0.0 \
    HEALTH_PORT=8081 \
    MPLCONFIGDIR=/tmp/matplotlib
VOLUME ["/data"]

# 8080: the webhook (MODE=webhook); 8081: /healthz and /metrics.
EXPOSE 8080 8081

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('HEALTH_PORT', '8081')}/healthz\", timeout=4)"]

# SIGTERM (docker stop) lets updates in flight finish; compose gives it stop_grace_period.
CMD ["python", "-m", "bot"]
