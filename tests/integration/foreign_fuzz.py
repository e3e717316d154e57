#!/usr/bin/env python3
"""A foreign fuzzer: a client that knows nothing of siren's API but what the server's reflection tells it.

Python grpcio and raw bytes only, no stubs generated from proto/: it starts siren-server (loopback, free
port, throwaway data dir), discovers every service and method through gRPC server reflection (spoken in
hand-encoded protobuf: grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo), parses the
FileDescriptorProtos it returns with google.protobuf.descriptor_pb2, builds plausible request messages
from those descriptors with a small wire-format encoder, then sends at least --messages mutated ones
across EVERY method (siren.v1.Siren, grpc.health.v1.Health, the reflection service itself), unary and
streaming alike (channel.unary_unary / unary_stream / stream_unary / stream_stream with identity
serializers, so the bytes go on the wire as they are).

Mutations: random bytes, truncated (valid-prefix) messages, bit flips, wrong wire types, huge length
prefixes, varint overflows, bad tags, deeply nested groups, empty messages, very long (and non-UTF-8)
strings, repeated fields and maps with absurd (bounded) counts, spliced messages; client streams that
send garbage, then valid messages, then garbage, empty streams, long streams, and calls cancelled
mid-stream.

Checks, after every call: the server process is alive; every status that is not OK carries a non-empty
message; none is UNKNOWN or INTERNAL (an exception leaking out of a handler); none hits the client's
deadline (a hang) except on watch streams, which may legitimately run until the job ends. Every 200
messages (and at the end) the health service must answer SERVING. Afterwards every unfinished job is
cancelled, a normal image fit must succeed through the real `siren` CLI, and the server must stop
cleanly on SIGTERM. With --token-calls N (default 60) a second server started with --token gets N calls
with a missing, wrong or malformed token, which must all be UNAUTHENTICATED with a message.

Prints per-method counts of messages, calls and status codes; exits 1 on any violation, 77 (CTest
SKIP_RETURN_CODE) when grpcio or protobuf is not installed (Debian: python3-grpcio).

  foreign_fuzz.py --server-bin B --cli-bin C --source-dir S [--seed 1] [--seconds 60] [--messages 5000]
"""
import argparse
import collections
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

from png_images import png_gray

SKIP = 77

try:
    import grpc
    from google.protobuf import descriptor_pb2
except ImportError as e:  # the only reason to skip: install-deps.sh installs python3-grpcio for the tests
    print(f"SKIP: foreign_fuzz.py needs Python grpcio and protobuf ({e}); Debian: apt install python3-grpcio",
          flush=True)
    sys.exit(SKIP)

FD = descriptor_pb2.FieldDescriptorProto
VARINT_TYPES = {FD.TYPE_INT32, FD.TYPE_INT64, FD.TYPE_UINT32, FD.TYPE_UINT64, FD.TYPE_SINT32, FD.TYPE_SINT64,
                FD.TYPE_BOOL, FD.TYPE_ENUM}
FIXED32_TYPES = {FD.TYPE_FLOAT, FD.TYPE_FIXED32, FD.TYPE_SFIXED32}
FIXED64_TYPES = {FD.TYPE_DOUBLE, FD.TYPE_FIXED64, FD.TYPE_SFIXED64}
LEN_TYPES = {FD.TYPE_STRING, FD.TYPE_BYTES, FD.TYPE_MESSAGE}

OK = grpc.StatusCode.OK
CLIENT_MAX_MESSAGE = 64 * 1024 * 1024
SERVER_MAX_MESSAGE_MB = 4  # --max-receive-message-mb: a few mutations go past it on purpose
WATCH_DEADLINE_S = 0.25    # watch streams run until their job ends: cut them short
CALL_DEADLINE_S = 20.0     # anything else that takes this long is a hang


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------------------
# Protobuf wire format, by hand.

def varint(n):
    n &= (1 << 64) - 1  # negative int32/int64: ten bytes of two's complement, as protobuf does
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field, wire_type):
    return varint((field << 3) | wire_type)


def f_varint(field, value):
    return tag(field, 0) + varint(value)


def f_len(field, data):
    return tag(field, 2) + varint(len(data)) + data


def f_fixed32(field, data4):
    return tag(field, 5) + data4


def f_fixed64(field, data8):
    return tag(field, 1) + data8


def read_varint(data, pos):
    result = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("bad varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return result, pos


def read_field(data, pos):
    """(field, wire_type, value, end) of the field at pos; ValueError on anything malformed. A group's value
    is its body (the server echoes unknown groups back); an END_GROUP comes back as wire type 4."""
    key, pos = read_varint(data, pos)
    field, wire_type = key >> 3, key & 7
    if field == 0:
        raise ValueError("field 0")
    if wire_type == 0:
        value, pos = read_varint(data, pos)
    elif wire_type == 1:
        value, pos = data[pos:pos + 8], pos + 8
    elif wire_type == 2:
        n, pos = read_varint(data, pos)
        value, pos = data[pos:pos + n], pos + n
    elif wire_type == 5:
        value, pos = data[pos:pos + 4], pos + 4
    elif wire_type == 3:
        start = end = pos
        while True:
            if end >= len(data):
                raise ValueError("unterminated group")
            inner, inner_type, _, next_end = read_field(data, end)
            if inner_type == 4:
                if inner != field:
                    raise ValueError("mismatched END_GROUP")
                value, pos = data[start:end], next_end
                break
            end = next_end
    elif wire_type == 4:
        value = b""
    else:
        raise ValueError(f"wire type {wire_type}")
    if pos > len(data):
        raise ValueError("truncated")
    return field, wire_type, value, pos


def parse_fields(data):
    """[(field, wire_type, value, raw_bytes_of_the_field)]; ValueError on anything malformed."""
    out, pos = [], 0
    while pos < len(data):
        field, wire_type, value, end = read_field(data, pos)
        if wire_type == 4:
            raise ValueError("END_GROUP without a start")
        out.append((field, wire_type, value, data[pos:end]))
        pos = end
    return out


# ---------------------------------------------------------------------------------------------------------
# What the server's reflection says: services, methods, message and enum descriptors.

class Schema:
    def __init__(self, files):
        self.messages, self.enums, self.methods = {}, {}, []
        for fdp in files.values():
            prefix = fdp.package
            for m in fdp.message_type:
                self._add_message(prefix, m)
            for e in fdp.enum_type:
                self.enums[f"{prefix}.{e.name}"] = e
            for s in fdp.service:
                for m in s.method:
                    self.methods.append(Method(f"{prefix}.{s.name}", m))

    def _add_message(self, prefix, m):
        name = f"{prefix}.{m.name}"
        self.messages[name] = m
        for nested in m.nested_type:
            self._add_message(name, nested)
        for e in m.enum_type:
            self.enums[f"{name}.{e.name}"] = e

    def message(self, type_name):
        return self.messages[type_name.lstrip(".")]

    def enum(self, type_name):
        return self.enums[type_name.lstrip(".")]

    def decode(self, type_name, data, depth=0):
        """(field name, value) pairs of a response, submessages flattened; strings decoded."""
        out = []
        desc = self.messages.get(type_name.lstrip("."))
        if desc is None or depth > 8:
            return out
        by_number = {f.number: f for f in desc.field}
        for number, wire_type, value, _ in parse_fields(data):
            f = by_number.get(number)
            if f is None:
                continue
            if f.type == FD.TYPE_MESSAGE and wire_type == 2:
                out.extend(self.decode(f.type_name, value, depth + 1))
            elif f.type == FD.TYPE_STRING and wire_type == 2:
                out.append((f.name, value.decode("utf-8", "replace")))
            elif f.type == FD.TYPE_ENUM and wire_type == 0:
                names = {v.number: v.name for v in self.enum(f.type_name).value}
                out.append((f.name, names.get(value, value)))
            else:
                out.append((f.name, value))
        return out


class Method:
    def __init__(self, service, m):
        self.service, self.name = service, m.name
        self.path = f"/{service}/{m.name}"
        self.input_type, self.output_type = m.input_type.lstrip("."), m.output_type.lstrip(".")
        self.client_streaming, self.server_streaming = m.client_streaming, m.server_streaming
        self.watch = m.name.startswith("Watch")  # streams until something ends: a deadline is no hang

    @property
    def short(self):
        return f"{self.service.rsplit('.', 1)[-1]}/{self.name}"

    @property
    def kind(self):
        return {(False, False): "unary", (False, True): "server-stream", (True, False): "client-stream",
                (True, True): "bidi"}[(self.client_streaming, self.server_streaming)]


IDENTITY = dict(request_serializer=lambda b: b, response_deserializer=lambda b: b)


def reflection_request(channel, field, value, service="grpc.reflection.v1alpha.ServerReflection"):
    call = channel.stream_stream(f"/{service}/ServerReflectionInfo", **IDENTITY)
    responses = list(call(iter([f_len(field, value.encode())]), timeout=10))
    files, names = [], []
    for resp in responses:
        for number, _, value_, _ in parse_fields(resp):
            if number == 4:  # file_descriptor_response { repeated bytes file_descriptor_proto = 1 }
                files += [v for n, _, v, _ in parse_fields(value_) if n == 1]
            elif number == 6:  # list_services_response { repeated ServiceResponse service = 1 { name = 1 } }
                for n, _, svc, _ in parse_fields(value_):
                    names += [v.decode() for n2, _, v, _ in parse_fields(svc) if n2 == 1]
            elif number == 7:  # error_response { error_code = 1; error_message = 2 }
                raise RuntimeError(f"reflection error for {value}: {parse_fields(value_)}")
    return files, names


def health_proto():
    """grpc.health.v1 (the standard gRPC health protocol, grpc/health/v1/health.proto), which the server runs
    but its reflection does not describe: Check and Watch, HealthCheckRequest { string service = 1 }."""
    fdp = descriptor_pb2.FileDescriptorProto(name="grpc/health/v1/health.proto", package="grpc.health.v1",
                                             syntax="proto3")
    request = fdp.message_type.add(name="HealthCheckRequest")
    request.field.add(name="service", number=1, type=FD.TYPE_STRING, label=FD.LABEL_OPTIONAL)
    response = fdp.message_type.add(name="HealthCheckResponse")
    response.field.add(name="status", number=1, type=FD.TYPE_ENUM, label=FD.LABEL_OPTIONAL,
                       type_name=".grpc.health.v1.HealthCheckResponse.ServingStatus")
    status = response.enum_type.add(name="ServingStatus")
    for number, name in enumerate(["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"]):
        status.value.add(name=name, number=number)
    service = fdp.service.add(name="Health")
    for name, streaming in (("Check", False), ("Watch", True)):
        service.method.add(name=name, input_type=".grpc.health.v1.HealthCheckRequest",
                           output_type=".grpc.health.v1.HealthCheckResponse", server_streaming=streaming)
    return fdp


def discover(channel):
    """The reflection protocol by hand: list_services (7), then file_containing_symbol (4) per service and
    file_by_filename (3) for any dependency not already sent."""
    _, services = reflection_request(channel, 7, "")
    files = {}

    def add(blobs):
        for blob in blobs:
            fdp = descriptor_pb2.FileDescriptorProto()
            fdp.ParseFromString(blob)
            files[fdp.name] = fdp

    undescribed = []
    for service in services:
        try:
            add(reflection_request(channel, 4, service)[0])
        except RuntimeError:
            undescribed.append(service)
    for service in undescribed:  # gRPC's built-in health service is not in the reflected descriptor pool
        if service != "grpc.health.v1.Health":
            raise RuntimeError(f"reflection cannot describe {service}")
        files["grpc/health/v1/health.proto"] = health_proto()
    missing = True
    while missing:
        missing = [d for fdp in list(files.values()) for d in fdp.dependency if d not in files]
        for name in missing:
            add(reflection_request(channel, 3, name)[0])
    return services, files


# ---------------------------------------------------------------------------------------------------------
# Plausible messages, from the descriptors (field names steer the values towards ones the server accepts).



TINY_PNG = png_gray(12, 12, lambda r, c: (r * 20 + c * 7) % 256)
EDGE_INTS = [0, 1, -1, 2**31 - 1, -2**31, 2**32, 2**63 - 1, -2**63, 2**64 - 1]
EDGE_DOUBLES = [0.0, -0.0, 1e-300, -1.0, 1e308, float("inf"), float("-inf"), float("nan")]
OPTION_KEYS = ["scale", "width", "height", "size", "format", "resolution", "sample_rate", "frames", "level",
               "max_points", "", "x" * 300]
OPTION_VALUES = ["2", "16", "0", "-1", "1e9", "abc", "", "nan", "99999999999999999999", "0.5"]
INT_RANGES = {"steps": (1, 20), "checkpoint_every": (0, 10), "hidden_features": (1, 40), "hidden_layers": (0, 3),
              "pe_frequencies": (0, 8), "batch_size": (0, 64)}
PLAUSIBLE_STRINGS = {"device": ["", "cpu", "auto"], "precision": ["tf32", "fp32"],
                     "format": ["", "png", "png", "wav", "ply", "x"], "name": ["", "fuzz"],
                     "input_filename": ["", "tiny.png"]}
STRINGS = ["", "x", "png", "cpu", "auto", "cuda", "cuda:7", "tf32", "bf16", "fp64", "../../etc/passwd", "é\u20ac",
           "\x00", "a" * 64]


class Builder:
    def __init__(self, schema, rng, pool):
        self.schema, self.rng, self.pool = schema, rng, pool
        self.spare_first = False  # deleting: leave the first job and model alone, so queries keep a model

    def known_id(self, kind):
        ids = self.pool.get(kind, [])
        ids = ids[1:] if self.spare_first else ids
        return self.rng.choice(ids) if ids and self.rng.random() < 0.85 else None

    def message(self, type_name, position=0, depth=0):
        """A plausible message. position: its place in a client stream (0 = first), which picks the oneof
        member: the first member first (SubmitFit: spec), later members after (its input chunks)."""
        rng = self.rng
        desc = self.schema.message(type_name)
        oneof_fields = collections.defaultdict(list)
        for f in desc.field:
            if f.HasField("oneof_index") and not f.proto3_optional:
                oneof_fields[f.oneof_index].append(f)
        chosen = {}
        for index, members in oneof_fields.items():
            if rng.random() < 0.95:
                chosen[index] = members[0] if position == 0 else members[min(1, len(members) - 1)]
            else:
                chosen[index] = rng.choice(members)
        out = b""
        for f in desc.field:
            if f.HasField("oneof_index") and not f.proto3_optional:
                if chosen[f.oneof_index] is not f:
                    continue
            elif position > 0 and f.type != FD.TYPE_MESSAGE and rng.random() < 0.7:
                continue  # later stream messages carry little besides their payload
            elif rng.random() < 0.08 and f.name != "task":
                continue
            out += self.field(f, position, depth)
        return out

    def field(self, f, position=0, depth=0):
        rng = self.rng
        if f.label == FD.LABEL_REPEATED:
            desc = self.schema.message(f.type_name) if f.type == FD.TYPE_MESSAGE else None
            if desc is not None and desc.options.map_entry:
                n = rng.choice([0, 0, 0, 0, 0, 1, 2, 3])
                return b"".join(f_len(f.number, self.map_entry(desc)) for _ in range(n))
            if f.type in (FD.TYPE_FLOAT, FD.TYPE_DOUBLE):  # coordinates: pairs/triples in [-1, 1], packed
                n = rng.choice([1, 2, 3, 4, 6, 8, 32, 64, 200])
                fmt = "<f" if f.type == FD.TYPE_FLOAT else "<d"
                return f_len(f.number, b"".join(struct.pack(fmt, rng.uniform(-1.1, 1.1)) for _ in range(n)))
            if depth > 3:
                return b""
            return b"".join(self.single(f, position, depth) for _ in range(rng.randint(0, 3)))
        return self.single(f, position, depth)

    def map_entry(self, desc):
        rng = self.rng
        return f_len(1, rng.choice(OPTION_KEYS).encode()) + f_len(2, rng.choice(OPTION_VALUES).encode())

    def single(self, f, position, depth):
        rng, name = self.rng, f.name
        if f.type == FD.TYPE_MESSAGE:
            return f_len(f.number, self.message(f.type_name, 0, depth + 1)) if depth < 4 else b""
        if f.type == FD.TYPE_STRING:
            kind = "job_id" if name.endswith("job_id") else "model_id" if name.endswith("model_id") else ""
            known = self.known_id(kind) if kind else None
            if known:
                value = known
            elif name == "request_id":
                value = f"fuzz-{rng.randrange(50)}"
            elif name == "service" or name == "host":
                value = rng.choice(["", "siren.v1.Siren", "grpc.health.v1.Health", "nope"])
            elif name.startswith("file_") or name.endswith("_symbol") or name.endswith("_type"):
                value = rng.choice(["siren.v1.Siren", "siren/v1/fit.proto", "siren.v1.FitSpec", "google.protobuf.Empty",
                                    "grpc.health.v1.Health", "", "nope.Nope"])
            elif name in PLAUSIBLE_STRINGS and rng.random() < 0.9:
                value = rng.choice(PLAUSIBLE_STRINGS[name])
            else:
                value = rng.choice(STRINGS)
            return f_len(f.number, value.encode())
        if f.type == FD.TYPE_BYTES:
            if "chunk" in name or name == "data":  # an upload: a tiny real image, whole or a slice of it
                if rng.random() < 0.6:
                    return f_len(f.number, TINY_PNG)
                a = rng.randrange(len(TINY_PNG))
                return f_len(f.number, TINY_PNG[a:a + rng.randint(1, 64)])
            return f_len(f.number, rng.randbytes(rng.randint(0, 32)))
        if f.type == FD.TYPE_ENUM:
            values = [v.number for v in self.schema.enum(f.type_name).value]
            if name == "task" and rng.random() < 0.7:
                value = 1  # an image: the input this fuzzer has
            elif rng.random() < 0.015:
                value = rng.choice([max(values) + 1, -1])
            else:
                value = rng.choice([v for v in values if v] or values)  # mostly not *_UNSPECIFIED
            return f_varint(f.number, value)
        if f.type == FD.TYPE_BOOL:
            return f_varint(f.number, rng.choice([0, 1, 1, 2]))
        if f.type in FIXED64_TYPES or f.type in FIXED32_TYPES:
            fmt, wrap = ("<d", f_fixed64) if f.type in FIXED64_TYPES else ("<f", f_fixed32)
            if f.type in (FD.TYPE_DOUBLE, FD.TYPE_FLOAT):
                if rng.random() < 0.015:
                    value = rng.choice(EDGE_DOUBLES)
                elif "rate" in name:
                    value = rng.choice([1e-4, 1e-4, 1e-3])
                elif "omega" in name:
                    value = rng.choice([30.0, 30.0, 1.0])
                elif "deadline" in name:
                    value = rng.choice([0.0, 60.0, 3600.0])
                else:
                    value = rng.choice([0.0, 0.5, 1.0, 5.0, 30.0, 100.0, 3600.0])
                return wrap(f.number, struct.pack(fmt, value))
            return wrap(f.number, rng.randbytes(8 if f.type in FIXED64_TYPES else 4))
        # integers: small, so that the fits this fuzzer starts stay tiny; now and then an edge value
        if rng.random() < 0.015:
            value = rng.choice(EDGE_INTS)
        elif name in INT_RANGES:
            value = rng.randint(*INT_RANGES[name])
        elif "hidden" in name or name in ("width", "height"):
            value = rng.randint(0, 40)
        else:
            value = rng.randint(0, 64)
        if f.type in (FD.TYPE_SINT32, FD.TYPE_SINT64):
            value = (value << 1) ^ (value >> 63)
        return f_varint(f.number, value)


# ---------------------------------------------------------------------------------------------------------
# Mutations.

class Mutator:
    def __init__(self, schema, rng):
        self.schema, self.rng = schema, rng
        self.ops = [
            (self.random_bytes, 6), (self.truncate, 8), (self.bit_flips, 12), (self.wrong_wire_type, 8),
            (self.huge_length, 6), (self.varint_overflow, 3), (self.bad_tag, 4), (self.nested_groups, 4),
            (self.empty, 3), (self.long_string, 4), (self.absurd_repeats, 4), (self.invalid_utf8, 4),
            (self.splice, 4), (self.edge_values, 6), (self.unknown_fields, 3), (self.valid, 10),
        ]
        self.weights = [w for _, w in self.ops]

    def __call__(self, seed, type_name):
        op = self.rng.choices(self.ops, self.weights)[0][0]
        return op.__name__, op(seed, type_name)

    def fields_of(self, type_name):
        return list(self.schema.message(type_name).field) if type_name in self.schema.messages else []

    def valid(self, seed, type_name):
        return seed

    def random_bytes(self, seed, type_name):
        return self.rng.randbytes(self.rng.choice([1, 2, 3, 5, 16, 64, 256, 4096]))

    def truncate(self, seed, type_name):
        return seed[:self.rng.randrange(len(seed))] if seed else b""

    def bit_flips(self, seed, type_name):
        if not seed:
            return self.rng.randbytes(4)
        data = bytearray(seed)
        for _ in range(self.rng.choice([1, 1, 2, 3, 8])):
            i = self.rng.randrange(len(data) * 8)
            data[i // 8] ^= 1 << (i % 8)
        return bytes(data)

    def _insert(self, seed, piece):
        """piece at a field boundary of seed (or its end when seed does not parse)."""
        try:
            bounds = [0]
            for *_, raw in parse_fields(seed):
                bounds.append(bounds[-1] + len(raw))
        except ValueError:
            bounds = [len(seed)]
        at = self.rng.choice(bounds)
        return seed[:at] + piece + seed[at:]

    def _field_number(self, type_name):
        fields = self.fields_of(type_name)
        return self.rng.choice(fields).number if fields and self.rng.random() < 0.85 else self.rng.randint(1, 40)

    def wrong_wire_type(self, seed, type_name):
        number, rng = self._field_number(type_name), self.rng
        pieces = [f_varint(number, rng.choice(EDGE_INTS)), f_len(number, rng.randbytes(rng.randint(0, 12))),
                  f_fixed32(number, rng.randbytes(4)), f_fixed64(number, rng.randbytes(8)),
                  tag(number, 3) + tag(number, 4)]  # an (empty) group where a scalar or message belongs
        return self._insert(seed, rng.choice(pieces))

    def huge_length(self, seed, type_name):
        n = self.rng.choice([2**31 - 1, 2**31, 2**32 - 1, 2**32 + 5, 2**63 - 1, 2**64 - 1, 10**9, len(seed) + 1])
        piece = tag(self._field_number(type_name), 2) + varint(n) + self.rng.randbytes(self.rng.randint(0, 16))
        return self._insert(seed, piece) if self.rng.random() < 0.5 else seed + piece

    def varint_overflow(self, seed, type_name):
        return self._insert(seed, tag(self._field_number(type_name), 0) + b"\xff" * self.rng.choice([10, 11, 20]) + b"\x01")

    def bad_tag(self, seed, type_name):
        rng = self.rng
        piece = rng.choice([
            b"\x00",                                   # field 0
            b"\x07" + b"\x00" * 4, b"\x0e\x01",        # wire types 7 and 6
            tag(2**29 - 1, 0) + b"\x01",               # the largest field number
            varint((2**29) << 3) + b"\x01",            # past it
            tag(19000, 0) + b"\x01",                   # reserved range
            tag(rng.randint(1, 20), 4),                # END_GROUP without a start
        ])
        return self._insert(seed, piece)

    def nested_groups(self, seed, type_name):
        depth = self.rng.choice([50, 99, 100, 101, 200, 1000, 20000, 100000])
        number = self._field_number(type_name)
        opened = tag(number, 3) * depth
        closed = tag(number, 4) * depth if self.rng.random() < 0.6 else b""
        if self.rng.random() < 0.3:  # nested length-delimited messages instead
            inner = b""
            for _ in range(min(depth, 2000)):
                inner = f_len(number, inner)
            return seed + inner
        return seed + opened + closed

    def empty(self, seed, type_name):
        return b""

    def long_string(self, seed, type_name):
        rng = self.rng
        fields = [f for f in self.fields_of(type_name) if f.type in (FD.TYPE_STRING, FD.TYPE_BYTES)]
        number = rng.choice(fields).number if fields else rng.randint(1, 10)
        # mostly below --max-receive-message-mb, now and then past it (RESOURCE_EXHAUSTED from gRPC)
        n = rng.choice([1000, 10**4, 10**5, 10**6, 3 * 10**6] + ([SERVER_MAX_MESSAGE_MB * 2**20 + 10] if rng.random() < 0.2 else []))
        body = rng.choice([b"a", b"/", b"\xe2\x82\xac", b"0"]) * (n // 1)
        return self._insert(seed, f_len(number, body[:n]))

    def absurd_repeats(self, seed, type_name):
        rng = self.rng
        number = self._field_number(type_name)
        count = rng.choice([1000, 10**4, 10**5, 3 * 10**5])
        piece = rng.choice([f_varint(number, 1), f_len(number, b"x"), f_fixed32(number, b"\x00\x00\x80\x3f"),
                            f_len(number, f_len(1, b"k") + f_len(2, b"v"))])  # the last: map entries
        if rng.random() < 0.3:  # one packed field of `count` floats, or claiming more than it has
            body = struct.pack("<f", 0.25) * count
            return seed + tag(number, 2) + varint(len(body) * rng.choice([1, 1, 2])) + body
        return seed + piece * count

    def invalid_utf8(self, seed, type_name):
        fields = [f for f in self.fields_of(type_name) if f.type == FD.TYPE_STRING]
        number = self.rng.choice(fields).number if fields else 1
        bad = self.rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"abc\x80", b"\xf8\x88\x80\x80\x80"])
        return self._insert(seed, f_len(number, bad))

    def splice(self, seed, type_name):
        rng = self.rng
        other = rng.randbytes(rng.randint(0, 32))
        return rng.choice([seed + seed, seed[:rng.randint(0, len(seed))] + other, other + seed, seed * 3])

    def edge_values(self, seed, type_name):
        """Every varint of the message replaced by an edge value, every double by inf/nan/huge."""
        try:
            fields = parse_fields(seed)
        except ValueError:
            return self.bit_flips(seed, type_name)
        out = b""
        for number, wire_type, value, raw in fields:
            if wire_type == 0 and self.rng.random() < 0.7:
                out += f_varint(number, self.rng.choice(EDGE_INTS))
            elif wire_type == 1 and self.rng.random() < 0.7:
                out += f_fixed64(number, struct.pack("<d", self.rng.choice(EDGE_DOUBLES)))
            else:
                out += raw
        return out

    def unknown_fields(self, seed, type_name):
        known = {f.number for f in self.fields_of(type_name)}
        number = self.rng.choice([n for n in range(1, 64) if n not in known])
        return self._insert(seed, f_len(number, self.rng.randbytes(self.rng.randint(0, 40))))


# ---------------------------------------------------------------------------------------------------------
# The server under test.

class ServerProcess:
    def __init__(self, binary, workdir, name, extra=()):
        self.data_dir = os.path.join(workdir, f"{name}-data")
        self.port_file = os.path.join(workdir, f"{name}.port")
        self.log_path = os.path.join(workdir, f"{name}.log")
        argv = [binary, "--host", "127.0.0.1", "--port", "0", "--port-file", self.port_file,
                "--data-dir", self.data_dir, "--log-level", "warn", "--devices", "cpu", "--threads", "1",
                # Limits that keep the fits this fuzzer may start tiny (each refusal is itself a status to
                # check) and a receive limit that a few mutations exceed on purpose.
                "--max-steps", "100", "--max-parameters", "300000", "--max-render-pixels", str(256 * 256),
                "--max-image-pixels", str(512 * 512), "--max-points", "100000", "--max-audio-samples", "100000",
                "--max-video-voxels", "100000", "--max-upload-mb", "8", "--max-queued", "16",
                "--max-query-points-per-message", "100000",
                "--max-receive-message-mb", str(SERVER_MAX_MESSAGE_MB), *extra]
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not (os.path.exists(self.port_file) and open(self.port_file).read().strip()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} siren-server did not start: {self.log_tail()}")
            time.sleep(0.05)
        self.address = f"127.0.0.1:{int(open(self.port_file).read())}"

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, lines=30):
        self.log.flush()
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])

    def stop(self, timeout=60):
        """SIGTERM: the server drains and exits 0. Returns its exit code (None if it had to be killed)."""
        if not self.alive():
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


# ---------------------------------------------------------------------------------------------------------
# The fuzzer.

class Fuzzer:
    def __init__(self, server, channel, schema, rng):
        self.server, self.channel, self.schema, self.rng = server, channel, schema, rng
        self.pool = {"job_id": [], "model_id": []}
        self.builder = Builder(schema, rng, self.pool)
        self.mutate = Mutator(schema, rng)
        self.messages = collections.Counter()                                # per method
        self.calls = collections.Counter()
        self.statuses = collections.defaultdict(collections.Counter)         # method -> code name -> n
        self.violations = []
        self.notices = collections.Counter()
        self.total_messages = 0
        self.slowest = (0.0, "")

    def callable(self, method):
        factory = {(False, False): self.channel.unary_unary, (False, True): self.channel.unary_stream,
                   (True, False): self.channel.stream_unary, (True, True): self.channel.stream_stream}
        return factory[(method.client_streaming, method.server_streaming)](method.path, **IDENTITY)

    def harvest(self, method, response):
        """Job and model ids from any response, so later requests name things that exist."""
        try:
            for name, value in self.schema.decode(method.output_type, response):
                if name in self.pool and isinstance(value, str) and value and value not in self.pool[name]:
                    self.pool[name].append(value)
                    del self.pool[name][1:-40]
        except (ValueError, KeyError, RecursionError):
            self.violation(method, "response", "OK", f"the response does not parse as {method.output_type}",
                           response)

    def violation(self, method, mutation, code, what, payload=b""):
        self.violations.append(f"{method.short} [{mutation}] {code}: {what} (request {len(payload)} bytes, "
                               f"starts {payload[:48].hex()})")

    def requests(self, method):
        """(description, [request bytes]) for one call; one message unless the method takes a stream."""
        rng, t = self.rng, method.input_type
        if not method.client_streaming:
            seed = self.builder.message(t)
            name, data = self.mutate(seed, t)
            return name, [data]
        shape = rng.choice(["valid"] * 5 + ["garbage-valid-garbage", "valid-then-garbage", "garbage-first",
                                            "empty-stream", "long-stream", "all-mutated"])
        n = rng.randint(1, 4) if shape != "long-stream" else rng.randint(20, 120)
        valid = [self.builder.message(t, position=i) for i in range(n)]
        names = []

        def mutated(seed):
            name, data = self.mutate(seed, t)
            names.append(name)
            return data

        if shape == "empty-stream":
            stream = []
        elif shape == "garbage-valid-garbage":
            stream = [mutated(valid[0])] + valid + [mutated(valid[-1])]
        elif shape == "valid-then-garbage":
            stream = valid + [mutated(rng.choice(valid)) for _ in range(rng.randint(1, 3))]
        elif shape == "garbage-first":
            stream = [mutated(valid[0])] + valid[1:]
        elif shape == "all-mutated":
            stream = [mutated(v) for v in valid]
        else:
            stream = valid
        return f"{shape}({','.join(sorted(set(names)))})" if names else shape, stream

    def call(self, method):
        rng = self.rng
        self.builder.spare_first = method.name.startswith("Delete")
        mutation, stream = self.requests(method)
        cancel_after = rng.choice([None] * 6 + [0, 1, 2]) if (method.client_streaming or method.server_streaming) else None
        if cancel_after is not None:
            mutation += f"+cancel@{cancel_after}"
        deadline = WATCH_DEADLINE_S if method.watch else CALL_DEADLINE_S
        sent = [0]
        release = threading.Event()

        def request_iter():
            for i, message in enumerate(stream):
                if cancel_after is not None and method.client_streaming and i == cancel_after:
                    release.wait(5)  # hold the stream open: the call is cancelled meanwhile
                    return
                sent[0] += 1
                yield message

        fn = self.callable(method)
        start = time.monotonic()
        code, details, locally_cancelled = OK, "", False
        try:
            if not method.client_streaming and not method.server_streaming:
                sent[0] = 1
                response, call = fn.with_call(stream[0], timeout=deadline)
                self.harvest(method, response)
            elif not method.client_streaming:  # server streaming
                sent[0] = 1
                responses = fn(stream[0], timeout=deadline)
                for i, response in enumerate(responses):
                    self.harvest(method, response)
                    if cancel_after is not None and i + 1 >= cancel_after:
                        locally_cancelled = responses.cancel()
                        break
                if cancel_after == 0:
                    locally_cancelled = responses.cancel()
            elif not method.server_streaming:  # client streaming
                future = fn.future(request_iter(), timeout=deadline)
                if cancel_after is not None:
                    time.sleep(0.02)
                    locally_cancelled = future.cancel()
                    release.set()
                try:
                    response = future.result()
                    self.harvest(method, response)
                except grpc.FutureCancelledError:
                    code, details, locally_cancelled = grpc.StatusCode.CANCELLED, "cancelled by the fuzzer", True
            else:  # bidirectional
                responses = fn(request_iter(), timeout=deadline)
                if cancel_after is not None:
                    time.sleep(0.02)
                    locally_cancelled = responses.cancel()
                    release.set()
                for response in responses:
                    self.harvest(method, response)
        except grpc.RpcError as e:
            code, details = e.code(), e.details() or ""
        finally:
            release.set()
        elapsed = time.monotonic() - start
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, f"{method.short} [{mutation}]")
        self.calls[method.short] += 1
        self.messages[method.short] += sent[0]
        self.total_messages += sent[0]
        label = "CANCELLED (by the fuzzer)" if code == grpc.StatusCode.CANCELLED and locally_cancelled else code.name
        if code == grpc.StatusCode.DEADLINE_EXCEEDED and method.watch:
            label = "DEADLINE_EXCEEDED (watch cut short)"
        self.statuses[method.short][label] += 1
        payload = stream[0] if stream else b""
        if not self.server.alive():
            self.violation(method, mutation, code.name, f"siren-server DIED (exit {self.server.proc.returncode})", payload)
            raise SystemExit("server died")
        if code == OK:
            return
        if code == grpc.StatusCode.DEADLINE_EXCEEDED and not method.watch:
            self.violation(method, mutation, code.name, f"no answer within {deadline}s (a hang)", payload)
        elif code == grpc.StatusCode.CANCELLED and not locally_cancelled:
            self.violation(method, mutation, code.name, f"cancelled by the server: {details!r}", payload)
        elif code == grpc.StatusCode.UNAVAILABLE:
            self.violation(method, mutation, code.name, f"server unavailable: {details!r}", payload)
        elif not details.strip():
            self.violation(method, mutation, code.name, "status without a message", payload)
        elif code in (grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL):
            if method.service.startswith("siren."):
                self.violation(method, mutation, code.name, f"{details!r}", payload)
            else:  # gRPC's own services (health, reflection): reported, not siren's to fix
                self.notices[f"{method.short} answers {code.name} {details!r}"] += 1

    def health(self):
        check = self.channel.unary_unary("/grpc.health.v1.Health/Check", **IDENTITY)
        try:
            response = check(b"", timeout=10)  # HealthCheckRequest{} -> HealthCheckResponse{status = 1}
        except grpc.RpcError as shared_error:
            # The fuzzing channel's connection may be what broke (its HTTP/2 header state after an oversized
            # header block): the server must still answer a fresh connection, and the failure is reported.
            self.notices[f"health check on the fuzzing channel: {shared_error.code().name} {shared_error.details()!r}"] += 1
            with grpc.insecure_channel(self.server.address) as fresh:
                try:
                    response = fresh.unary_unary("/grpc.health.v1.Health/Check", **IDENTITY)(b"", timeout=10)
                except grpc.RpcError as e:
                    self.violations.append(f"health check failed: {e.code().name} {e.details()}")
                    return False
        if response != f_varint(1, 1):
            self.violations.append(f"health check answered {response.hex()}, not SERVING")
            return False
        return True


def field_number(schema, type_name, field_name):
    return next(f.number for f in schema.message(type_name).field if f.name == field_name)


def list_jobs(channel, schema):
    """(job id, state name) of every job, as ListJobs reports them; the field numbers come from the reflected
    descriptors."""
    service = next(m for m in schema.methods if m.name == "ListJobs")
    job_type = next(f for f in schema.message(service.output_type).field if f.name == "jobs").type_name
    jobs_field = field_number(schema, service.output_type, "jobs")
    id_field, state_field = field_number(schema, job_type, "job_id"), field_number(schema, job_type, "state")
    state_enum = next(f for f in schema.message(job_type).field if f.name == "state").type_name
    states = {v.number: v.name for v in schema.enum(state_enum).value}
    response = channel.unary_unary(service.path, **IDENTITY)(b"", timeout=30)
    out = []
    for number, _, job, _ in parse_fields(response):
        if number != jobs_field:
            continue
        fields = {n: v for n, _, v, _ in parse_fields(job)}
        out.append((fields[id_field].decode(), states.get(fields.get(state_field, 0), "?")))
    return out


def run_cli(cli, *argv, timeout=300):
    result = subprocess.run([cli, *argv, "--json"], capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout, result.stderr


def last_json_line(text):
    import json
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {}


def token_checks(args, workdir, schema, rng, calls):
    """A second server with --token: missing, wrong and malformed tokens on plausible requests to every
    siren method must all be UNAUTHENTICATED with a message. Returns (status counter, violations)."""
    secret = "fuzz-token-" + "%016x" % rng.getrandbits(64)
    server = ServerProcess(args.server_bin, workdir, "token-server", ["--token", secret])
    bad = [None, "Bearer wrong", "Bearer " + secret[:-1], "bearer " + secret, "Basic " + secret, secret,
           "Bearer  " + secret, "Bearer " + secret + " ", "Bearer " + "a" * 4000, "", "Bearer"]
    counts, violations = collections.Counter(), []
    methods = [m for m in schema.methods if m.service.startswith("siren.")]
    try:
        with grpc.insecure_channel(server.address) as channel:
            builder = Builder(schema, rng, {"job_id": [], "model_id": []})
            for i in range(calls):
                method = methods[i % len(methods)]
                token = bad[i % len(bad)]
                metadata = [] if token is None else [("authorization", token)]
                factory = {(False, False): channel.unary_unary, (False, True): channel.unary_stream,
                           (True, False): channel.stream_unary, (True, True): channel.stream_stream}
                fn = factory[(method.client_streaming, method.server_streaming)](method.path, **IDENTITY)
                request = builder.message(method.input_type)
                try:
                    if method.client_streaming:
                        result = fn(iter([request]), timeout=10, metadata=metadata)
                    else:
                        result = fn(request, timeout=10, metadata=metadata)
                    if method.server_streaming:
                        list(result)
                    code, details = OK, ""
                except grpc.RpcError as e:
                    code, details = e.code(), e.details() or ""
                counts[code.name] += 1
                if code != grpc.StatusCode.UNAUTHENTICATED or not details.strip():
                    violations.append(f"token server: {method.short} with authorization={token!r:.40} answered "
                                      f"{code.name} {details!r}, not UNAUTHENTICATED with a message")
            # and the right token gets through the check (GetJob of nothing: NOT_FOUND, not UNAUTHENTICATED)
            get_job = channel.unary_unary("/siren.v1.Siren/GetJob", **IDENTITY)
            try:
                get_job(f_len(1, b"no-such-job"), timeout=10, metadata=[("authorization", "Bearer " + secret)])
                code = OK
            except grpc.RpcError as e:
                code = e.code()
            if code != grpc.StatusCode.NOT_FOUND:
                violations.append(f"token server: GetJob with the right token answered {code.name}, not NOT_FOUND")
        if not server.alive():
            violations.append(f"token server died: {server.log_tail()}")
    finally:
        server.stop()
    return counts, violations


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server-bin", required=True)
    parser.add_argument("--cli-bin", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60, help="fuzz at least this long (default 60)")
    parser.add_argument("--messages", type=int, default=5000, help="and send at least this many messages")
    parser.add_argument("--token-calls", type=int, default=60, help="calls to a --token server (0: none)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (data dirs, server logs)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    workdir = tempfile.mkdtemp(prefix="siren-foreign-fuzz-")
    log(f"seed {args.seed}; work directory {workdir}; grpcio {grpc.__version__}")
    started = time.monotonic()
    server = ServerProcess(args.server_bin, workdir, "server")
    log(f"siren-server listening on {server.address}")
    violations = []
    options = [("grpc.max_receive_message_length", CLIENT_MAX_MESSAGE),
               ("grpc.max_send_message_length", CLIENT_MAX_MESSAGE)]
    try:
        with grpc.insecure_channel(server.address, options=options) as channel:
            services, files = discover(channel)
            schema = Schema(files)
            methods = sorted(schema.methods, key=lambda m: m.path)
            log(f"reflection: {len(services)} services ({', '.join(services)}), {len(files)} files, "
                f"{len(schema.messages)} message types, {len(methods)} methods")
            for m in methods:
                log(f"  {m.kind:13} {m.path} ({m.input_type} -> {m.output_type})")
            if not any(m.service == "siren.v1.Siren" for m in methods):
                raise RuntimeError("reflection did not describe siren.v1.Siren")

            # A real fit first, so that requests can name a job and a model that exist.
            image = os.path.join(workdir, "tiny.png")
            with open(image, "wb") as f:
                f.write(png_gray(24, 24, lambda r, c: (r * 11 + c * 5) % 256))
            rc, out, err = run_cli(args.cli_bin, "fit", "image", image, "--steps", "10", "--hidden", "32",
                                   "--layers", "1", "--server", server.address)
            first = last_json_line(out)
            if rc != 0 or not first.get("model_id"):
                raise RuntimeError(f"the first real fit failed (exit {rc}): {out[-500:]} {err[-500:]}")
            fuzzer = Fuzzer(server, channel, schema, rng)
            fuzzer.pool["job_id"].append(first["job_id"])
            fuzzer.pool["model_id"].append(first["model_id"])
            log(f"first fit: job {first['job_id']}, model {first['model_id']}")

            # Fuzz: methods in turn, so every one gets its share, until both bounds are met.
            fuzz_start = time.monotonic()
            next_health, i = 0, 0
            try:
                while (time.monotonic() - fuzz_start < args.seconds or fuzzer.total_messages < args.messages):
                    fuzzer.call(methods[i % len(methods)])
                    i += 1
                    if fuzzer.total_messages >= next_health:
                        fuzzer.health()
                        next_health = fuzzer.total_messages + 200
                    if len(fuzzer.violations) > 200:
                        log("over 200 violations: stopping early")
                        break
            except SystemExit:
                pass
            fuzz_seconds = time.monotonic() - fuzz_start
            violations += fuzzer.violations
            if server.alive():
                fuzzer.health()
                violations = list(fuzzer.violations)

            # Summary.
            log(f"fuzzed {fuzzer.total_messages} messages in {sum(fuzzer.calls.values())} calls over "
                f"{len(methods)} methods in {fuzz_seconds:.1f} s; slowest call {fuzzer.slowest[0]:.2f} s "
                f"({fuzzer.slowest[1]}); pool: {len(fuzzer.pool['job_id'])} job ids, "
                f"{len(fuzzer.pool['model_id'])} model ids")
            width = max(len(m.short) for m in methods)
            print(f"{'method':{width}}  {'messages':>8}  {'calls':>6}  statuses", flush=True)
            for m in methods:
                codes = ", ".join(f"{k} {v}" for k, v in sorted(fuzzer.statuses[m.short].items(), key=lambda kv: -kv[1]))
                print(f"{m.short:{width}}  {fuzzer.messages[m.short]:>8}  {fuzzer.calls[m.short]:>6}  {codes}",
                      flush=True)
            totals = collections.Counter()
            for counter in fuzzer.statuses.values():
                totals.update(counter)
            print(f"{'total':{width}}  {fuzzer.total_messages:>8}  {sum(fuzzer.calls.values()):>6}  "
                  + ", ".join(f"{k} {v}" for k, v in totals.most_common()), flush=True)
            for notice, n in fuzzer.notices.items():
                print(f"notice: gRPC's own service, not siren's handlers: {notice} ({n} times)", flush=True)
            untouched = [m.short for m in methods if fuzzer.calls[m.short] == 0]
            if untouched:
                violations.append(f"methods never called: {untouched}")
            if fuzzer.total_messages < args.messages:
                violations.append(f"only {fuzzer.total_messages} messages sent (--messages {args.messages})")

            if server.alive():
                # Then a normal fit must still work: cancel what the fuzzer queued, fit a real image.
                jobs = list_jobs(channel, schema)
                log(f"jobs on the server after fuzzing: {len(jobs)} ("
                    + ", ".join(f"{k} {v}" for k, v in collections.Counter(s for _, s in jobs).most_common()) + ")")
                for job_id, state in jobs:
                    if not state.endswith(("QUEUED", "RUNNING", "PAUSED")):
                        continue
                    cancel = channel.unary_unary("/siren.v1.Siren/CancelJob", **IDENTITY)
                    try:
                        cancel(f_len(field_number(schema, "siren.v1.CancelJobRequest", "job_id"), job_id.encode()),
                               timeout=30)
                    except grpc.RpcError as e:
                        log(f"cancelling {job_id} ({state}): {e.code().name} {e.details()}")
                image = os.path.join(args.source_dir, "data", "cameraman_256.png")
                t0 = time.monotonic()
                rc, out, err = run_cli(args.cli_bin, "fit", "image", image, "--size", "64x64", "--hidden", "64",
                                       "--steps", "20", "--server", server.address)
                final = last_json_line(out)
                ok = rc == 0 and "succeeded" in out.lower()
                log(f"final fit of cameraman (64x64, 20 steps): exit {rc}, state {final.get('state')}, "
                    f"psnr {final.get('psnr')}, {time.monotonic() - t0:.1f} s")
                if not ok:
                    violations.append(f"the fit after fuzzing failed (exit {rc}): {out[-800:]} {err[-800:]}")
    except Exception as e:  # a broken setup is a failure too, with the server's log
        violations.append(f"{type(e).__name__}: {e}")
    finally:
        if server.alive():
            rc = server.stop()
            if rc != 0:
                violations.append(f"siren-server did not stop cleanly on SIGTERM after fuzzing (exit {rc})")
        else:
            violations.append(f"siren-server is not running at the end (exit {server.proc.returncode})")

    if args.token_calls > 0 and "schema" in locals():
        counts, token_violations = token_checks(args, workdir, schema, rng, args.token_calls)
        log(f"token server: {args.token_calls} calls with missing/wrong/malformed tokens: "
            + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
        violations += token_violations

    log(f"total runtime {time.monotonic() - started:.1f} s")
    if violations:
        print(f"\nFAIL: {len(violations)} violation(s):", flush=True)
        for v in violations[:60]:
            print("  " + v, flush=True)
        print(f"\nsiren-server log (last lines):\n{server.log_tail(40)}", flush=True)
        print(f"work directory kept: {workdir}", flush=True)
        return 1
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    print("PASS: every answer was a proper status, the server stayed up, a normal fit succeeded afterwards",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
