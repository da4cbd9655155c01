# DrieKamerSpel server: docker build -t driekamer . && docker run -p 8000:8000 -v driekamer-data:/app/data driekamer
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8000 \
    DATABASE_URL=sqlite:////app/data/driekamer.db
WORKDIR /app
COPY pyproject.toml README.md ./
COPY game ./game
COPY server ./server
COPY web ./web
COPY scenarios ./scenarios
# editable: the server finds web/ and scenarios/ next to its code in /app
RUN pip install --no-cache-dir -e .
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home spel && mkdir -p /app/data && chown spel /app/data
USER spel
VOLUME /app/data
EXPOSE 8000
CMD ["sh", "-c", "driekamer serve --host \"$HOST\" --port \"$PORT\""]
