"""TensorBoard event files, read without TensorFlow or TensorBoard.

An event file is a sequence of TFRecord records: an 8-byte little-endian length, its masked
CRC-32C, the data (one serialized `Event` protobuf), the data's masked CRC-32C. Both CRCs are
verified; a record that fails one, or a file cut short, ends the reading with a warning.
Only the few protobuf fields a scalar needs are decoded: `Event.step` (2, varint, absent when
0), `Event.summary` (5) with its repeated `Summary.Value` (1): `tag` (1), `simple_value` (2,
float32), or `tensor` (8) holding one DT_FLOAT `float_val` (5) or DT_DOUBLE `double_val` (6).

A rate written through `simple_value` or a DT_FLOAT tensor is a float32: it is compared with
the schedule rounded to float32. The Trainer's tag `train/learning_rate` at step s holds
schedule step k = s - 1; any other tag, k = s.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from lrcli.logs import Columns, Log, LogError, hf_offset, name, pick, steps_array

KIND = "tensorboard"

_HEADER = struct.Struct("<QI")
_CRC = struct.Struct("<I")
_FLOAT32 = struct.Struct("<f")
_FLOAT64 = struct.Struct("<d")


def _table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _table()


def crc32c(data: bytes) -> int:
    """The Castagnoli CRC (reflected polynomial 0x82F63B78) of `data`."""
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def detect(path: Path) -> bool:
    if path.name.startswith("events.out.tfevents"):
        return True
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError:
        return False
    if len(head) < 12:
        return False
    return bool(_CRC.unpack(head[8:12])[0] == masked_crc(head[:8]))


def records(data: bytes, warnings: list[str], where: str) -> Iterator[bytes]:
    """The data of each record whose CRCs hold; stops, with a warning, where one fails."""
    at, count = 0, 0
    while at < len(data):
        if len(data) - at < 12:
            warnings.append(f"{where} ends in the middle of record {count + 1} (cut off?)")
            return
        length, length_crc = _HEADER.unpack_from(data, at)
        if masked_crc(data[at : at + 8]) != length_crc:
            warnings.append(
                f"{where}: record {count + 1} (byte {at}) fails its length's CRC: read up to it"
            )
            return
        end = at + 12 + length
        if end + 4 > len(data):
            warnings.append(f"{where} ends in the middle of record {count + 1} (cut off?)")
            return
        body = data[at + 12 : end]
        if masked_crc(body) != _CRC.unpack_from(data, end)[0]:
            warnings.append(
                f"{where}: record {count + 1} (byte {at}) fails its data's CRC: read up to it"
            )
            return
        yield body
        at, count = end + 4, count + 1


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("bad varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of each field of a protobuf message."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, at = _varint(data, at)
            yield number, wire, value
        elif wire == 1:
            yield number, wire, data[at : at + 8]
            at += 8
        elif wire == 2:
            length, at = _varint(data, at)
            yield number, wire, data[at : at + length]
            at += length
        elif wire == 5:
            yield number, wire, data[at : at + 4]
            at += 4
        else:
            raise ValueError(f"wire type {wire}")
    if at > len(data):
        raise ValueError("truncated message")


def _tensor_value(data: bytes) -> tuple[float, bool] | None:
    """The one float of a scalar `TensorProto`, and whether it is a float32."""
    dtype, value, single = 0, None, True
    for number, wire, raw in fields(data):
        if number == 1 and wire == 0:
            assert isinstance(raw, int)
            dtype = raw
        elif number in (5, 6) and isinstance(raw, bytes):
            size = 4 if number == 5 else 8
            if (wire == 2 and len(raw) == size) or wire in (1, 5):
                unpack = _FLOAT32 if size == 4 else _FLOAT64
                value, single = unpack.unpack(raw[:size])[0], size == 4
        elif number == 4 and isinstance(raw, bytes) and dtype in (1, 2):
            size = 4 if dtype == 1 else 8
            if len(raw) == size:
                unpack = _FLOAT32 if size == 4 else _FLOAT64
                value, single = unpack.unpack(raw)[0], size == 4
    return None if value is None else (value, single)


def scalars(body: bytes) -> Iterator[tuple[int, str, float, bool]]:
    """(step, tag, value, is float32) of each scalar in one Event."""
    step, summary = 0, None
    for number, _wire, raw in fields(body):
        if number == 2 and isinstance(raw, int):
            step = raw - (1 << 64) if raw >= 1 << 63 else raw
        elif number == 5 and isinstance(raw, bytes):
            summary = raw
    if summary is None:
        return
    for number, _wire, raw in fields(summary):
        if number != 1 or not isinstance(raw, bytes):
            continue
        tag, value = "", None
        for field, wire, item in fields(raw):
            if field == 1 and isinstance(item, bytes):
                tag = item.decode("utf-8", "replace")
            elif field == 2 and wire == 5 and isinstance(item, bytes):
                value = (_FLOAT32.unpack(item)[0], True)
            elif field == 8 and isinstance(item, bytes):
                value = _tensor_value(item)
        if value is not None:
            yield step, tag, value[0], value[1]


def read(path: Path, columns: Columns) -> Log:
    if columns.step is not None:
        raise LogError("--step-col is for CSV and JSON Lines; an event file's step is Event.step")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise LogError(f"{name(path)} cannot be read: {e.strerror or e}") from None
    warnings: list[str] = []
    found: dict[str, tuple[list[int], list[float], bool]] = {}
    for body in records(data, warnings, name(path)):
        try:
            for step, tag, value, single in scalars(body):
                steps, values, _ = found.setdefault(tag, ([], [], True))
                steps.append(step)
                values.append(value)
                if not single:
                    found[tag] = (steps, values, False)
        except (ValueError, UnicodeDecodeError, struct.error, AssertionError):
            warnings.append(f"{name(path)}: an event cannot be decoded: left out")
    if not found:
        raise LogError(f"{name(path)} holds no scalar: no learning rate to check")
    tag = pick(list(found), columns.rate, "--lr-col", "rate", path)
    steps, values, single = found[tag]
    negative = [s for s in steps if s < 0]
    if negative:
        raise LogError(f"{name(path)}: tag {tag!r} has a negative step {negative[0]}")
    offset, alignment = hf_offset(tag)
    return Log(
        path=path,
        kind=KIND,
        steps=steps_array(steps),
        rates=np.array(values, dtype=np.float64),
        single=single,
        offset=offset,
        alignment=alignment,
        where=f"tag {tag!r} at Event.step" + (" (float32)" if single else ""),
        warnings=warnings,
    )
