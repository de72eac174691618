"""placeholder"""
from newsarchive.config import ReadSettings
from newsarchive.model import ReadResult


def read_records(source_path: str, text: str, settings: ReadSettings, lines: bool) -> ReadResult:
    """placeholder"""
    return ReadResult(())
