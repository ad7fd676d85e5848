"""The web page: ``python app.py`` (same as ``rag serve``). Binds 127.0.0.1:7860 unless told."""

from rag.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *__import__("sys").argv[1:]]))
