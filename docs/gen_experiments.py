"""The experiment write-ups in the site, from their one source: experiments/**/*.md, copied at build time.

Run by mkdocs-gen-files at every build: every Markdown file under ``experiments/`` goes to the same path in the site
(``experiments/two_rooms/README.md`` -> ``experiments/two_rooms/``), and so does every image beside them, so the
figures on ``results.md`` and the README of each experiment stay in one place, the repository. ``SUMMARY.md`` lists
the experiments for the navigation (mkdocs-literate-nav), each folder's README under the folder's name.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = "experiments"
_IMAGE_SUFFIXES = {".png", ".gif", ".jpg", ".jpeg", ".svg"}


def markdown_files(repo_root: Path = REPO_ROOT) -> list[Path]:
    """The Markdown files under experiments/ (outside ignored run folders), relative to the repo root."""
    files = sorted(p.relative_to(repo_root) for p in (repo_root / EXPERIMENTS).rglob("*.md"))
    return [p for p in files if "runs" not in p.parts]


def image_files(repo_root: Path = REPO_ROOT) -> list[Path]:
    """The images under experiments/ (outside ignored run folders), which its pages and the docs may show."""
    files = sorted(p.relative_to(repo_root) for p in (repo_root / EXPERIMENTS).rglob("*") if p.suffix.lower() in _IMAGE_SUFFIXES)
    return [p for p in files if "runs" not in p.parts]


def main() -> None:
    import mkdocs_gen_files

    summary = []
    for page in markdown_files():
        markdown = (REPO_ROOT / page).read_text()
        with mkdocs_gen_files.open(page.as_posix(), "w") as handle:
            handle.write(markdown)
        relative = page.relative_to(EXPERIMENTS).as_posix()
        if page.name == "README.md" and page.parent.name != EXPERIMENTS:
            summary.append(f"* [{page.parent.name}]({relative})")
    for image in image_files():
        with mkdocs_gen_files.open(image.as_posix(), "wb") as handle:
            handle.write((REPO_ROOT / image).read_bytes())
    with mkdocs_gen_files.open(f"{EXPERIMENTS}/SUMMARY.md", "w") as handle:
        handle.write("\n".join(["* [All experiments](README.md)", *summary, ""]))


if __name__ in ("__main__", "<run_path>"):
    main()
