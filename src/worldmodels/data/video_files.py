"""Finding labelled videos (class sub-folders or a CSV of path,label rows) and skipping the ones decord cannot open."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from worldmodels.data.errors import DatasetNotFoundError

VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".webm", ".mov", ".m4v", ".mpg", ".mpeg")


@dataclass
class VideoEntry:
    """One video: its path, its label (class index) and, once opened, its number of frames."""

    path: Path
    label: int
    num_frames: int = 0


def is_video(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in VIDEO_SUFFIXES


def list_videos(folder: Path) -> list[Path]:
    """Every video file under ``folder`` (recursively), sorted."""
    return sorted(p for p in folder.rglob("*") if is_video(p))


def read_label_csv(path: Path) -> list[tuple[Path, str]]:
    """Rows ``video,label`` (or V-JEPA's ``video label``) of a CSV file -> (path, label name); an optional header row
    whose label reads "label" is skipped; relative paths are taken from the CSV's folder."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.rsplit(",", 1) if "," in line else line.rsplit(None, 1)
        if len(fields) != 2:
            raise ValueError(f"{path}:{number}: expected 'video,label', got {line!r}")
        video, label = fields[0].strip(), fields[1].strip()
        if number == 1 and label.lower() == "label":
            continue
        rows.append((path.parent / video if not Path(video).is_absolute() else Path(video), label))
    return rows


def class_names(labels: list[str]) -> list[str]:
    """Label names in class-index order: integers by value (0..max, names "0".."max"), other names sorted."""
    if all(label.isdigit() for label in labels):
        return [str(i) for i in range(max(int(label) for label in labels) + 1)]
    return sorted(set(labels))


def labelled_videos(source: Path) -> tuple[list[tuple[Path, str]], str]:
    """(video, label name) pairs from a folder of class sub-folders or a CSV file, and a description of the layout.

    A missing path, a folder without class sub-folders holding videos, or an empty CSV is a ``DatasetNotFoundError``.
    """
    if not source.exists():
        raise DatasetNotFoundError(f"no such folder or CSV file: {source}")
    if source.is_file():
        rows = read_label_csv(source)
        if not rows:
            raise DatasetNotFoundError(f"{source} lists no videos: expected rows 'path/to/video.mp4,label'")
        return rows, f"CSV {source}"
    rows = [(video, folder.name) for folder in sorted(p for p in source.iterdir() if p.is_dir()) for video in list_videos(folder)]
    if not rows:
        raise DatasetNotFoundError(
            f"no videos in class sub-folders of {source}: expected {source}/<class>/<video>{VIDEO_SUFFIXES[0]} "
            f"(video files: {', '.join(VIDEO_SUFFIXES)}), or point the split at a CSV of 'video,label' rows"
        )
    return rows, f"folder {source}"


def count_frames(path: Path) -> int:
    """Frames of the video at ``path`` as decord reads them; raises when it cannot be opened."""
    import decord

    return len(decord.VideoReader(str(path), num_threads=1))


def open_videos(entries: list[VideoEntry], where: str) -> list[VideoEntry]:
    """The entries decord can open, with their frame counts. Each unreadable or empty video is skipped with a warning
    that names it, and a last warning counts them; none readable at all is a ``DatasetNotFoundError``."""
    readable, skipped = [], []
    for entry in entries:
        try:
            entry.num_frames = count_frames(entry.path)
        except Exception as error:  # decord raises RuntimeError or DECORDError, and FileNotFoundError for missing files
            skipped.append(entry.path)
            warnings.warn(f"skipping unreadable video {entry.path}: {str(error).splitlines()[0][:200]}", stacklevel=2)
            continue
        if entry.num_frames < 1:
            skipped.append(entry.path)
            warnings.warn(f"skipping video without frames {entry.path}", stacklevel=2)
            continue
        readable.append(entry)
    if skipped:
        warnings.warn(f"skipped {len(skipped)} of {len(entries)} videos in {where} that could not be read", stacklevel=2)
    if not readable:
        raise DatasetNotFoundError(f"none of the {len(entries)} videos in {where} could be read")
    return readable
