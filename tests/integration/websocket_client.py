"""A minimal WebSocket client (RFC 6455) for the tests, enough to check what the server sends.

WebSocket(server, path) connects to 127.0.0.1:server.port with Host server.domain (any object with
those two attributes: a herd server, or nginx in front of several)."""
import base64
import hashlib
import json
import os
import socket
import struct
import time

WAIT = 15  # seconds to wait for an event that must come




class WebSocket:
    GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    def __init__(self, server, path="/api/v1/streaming", headers=None, protocol=None):
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {path} HTTP/1.1", f"Host: {server.domain}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
        if protocol:
            lines.append(f"Sec-WebSocket-Protocol: {protocol}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        self.status = int(status_line.split()[1])
        self.headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                self.headers[name.strip().lower()] = value.strip()
        self.body = b""
        if self.status != 101:
            length = int(self.headers.get("content-length", "0"))
            while len(self.buffer) < length:
                chunk = self.sock.recv(4096)
                if not chunk:
                    break
                self.buffer += chunk
            self.body = self.buffer[:length]
            self.sock.close()
            return
        expected = base64.b64encode(hashlib.sha1((key + self.GUID).encode()).digest()).decode()
        self.accept_ok = self.headers.get("sec-websocket-accept") == expected

    def _read_until(self, marker):
        while marker not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError(f"connection closed before {marker!r}; got {self.buffer[:300]!r}")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _read_exactly(self, n):
        while len(self.buffer) < n:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("connection closed mid-frame")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def send_frame(self, opcode, payload=b""):
        if isinstance(payload, str):
            payload = payload.encode()
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_json(self, value):
        self.send_frame(0x1, json.dumps(value))

    def recv_frame(self, timeout=WAIT):
        """(opcode, payload bytes); raises socket.timeout."""
        self.sock.settimeout(timeout)
        b0, b1 = self._read_exactly(2)
        opcode, n = b0 & 0x0F, b1 & 0x7F
        if n == 126:
            n = struct.unpack(">H", self._read_exactly(2))[0]
        elif n == 127:
            n = struct.unpack(">Q", self._read_exactly(8))[0]
        mask = self._read_exactly(4) if b1 & 0x80 else None
        data = self._read_exactly(n)
        if mask:
            data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
        return opcode, data

    def next_message(self, predicate=lambda m: True, timeout=WAIT):
        """The next text message (parsed JSON) matching predicate; None on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                opcode, data = self.recv_frame(left)
            except (socket.timeout, TimeoutError):
                return None
            if opcode == 0x1:
                message = json.loads(data)
                if predicate(message):
                    return message
            elif opcode == 0x8:
                return None

    def sync(self):
        """Waits until the server has handled every message sent so far: an unknown stream is
        answered with an error frame, in order."""
        self.send_json({"type": "subscribe", "stream": "sync-marker"})
        return self.next_message(lambda m: "error" in m) is not None

    def close(self):
        try:
            self.send_frame(0x8, struct.pack(">H", 1000))
        except OSError:
            pass
        self.sock.close()
