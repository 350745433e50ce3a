# One image for every service; the command picks the role:
#   bng-optimiser serve api | bng-optimiser worker | bng-optimiser serve ui | bng-optimiser db ...
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so editing the source does not reinstall them.
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install . \
    && useradd --system --uid 10001 --create-home --home-dir /home/bng bng

USER bng

# Inside a container the services must listen on every interface, not only loopback.
ENV API_HOST=0.0.0.0 \
    API_PORT=8000 \
    UI_PORT=8501

EXPOSE 8000 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status != 200)" || exit 1

CMD ["bng-optimiser", "serve", "api"]
