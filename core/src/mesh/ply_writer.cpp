#include "siren/mesh/ply_writer.h"

#include <cstring>
#include <stdexcept>

namespace siren {
namespace {

constexpr size_t kBufferBytes = size_t{1} << 20;
constexpr int64_t kMaxPlyIndex = INT32_MAX;  // faces store indices as PLY "int"

// Little-endian regardless of the host.
void put_u32(std::string& out, uint32_t v) {
  const char b[4] = {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff),
                     static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 24) & 0xff)};
  out.append(b, 4);
}

void put_f32(std::string& out, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  put_u32(out, v);
}

void put_face(std::string& out, uint32_t a, uint32_t b, uint32_t c) {
  out.push_back(static_cast<char>(3));
  put_u32(out, a);
  put_u32(out, b);
  put_u32(out, c);
}

void write_all(std::FILE* file, const std::string& bytes) {
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size())
    throw std::runtime_error("cannot write the mesh's temporary file (disk full?)");
}

void stream_file(std::FILE* file, const std::function<void(const std::string&)>& sink, size_t chunk_bytes) {
  if (std::fflush(file) != 0 || std::fseek(file, 0, SEEK_SET) != 0)
    throw std::runtime_error("cannot read back the mesh's temporary file");
  std::string chunk(chunk_bytes, '\0');
  while (true) {
    const size_t n = std::fread(chunk.data(), 1, chunk.size(), file);
    if (n > 0) sink(chunk.substr(0, n));
    if (n < chunk.size()) {
      if (std::ferror(file)) throw std::runtime_error("cannot read back the mesh's temporary file");
      break;
    }
  }
}

}  // namespace

std::string ply_mesh_header(int64_t vertex_count, int64_t face_count) {
  return "ply\nformat binary_little_endian 1.0\nelement vertex " + std::to_string(vertex_count) +
         "\nproperty float x\nproperty float y\nproperty float z\nelement face " + std::to_string(face_count) +
         "\nproperty list uchar int vertex_indices\nend_header\n";
}

std::string encode_ply_mesh(const std::vector<float>& positions, const std::vector<uint32_t>& faces) {
  std::string out = ply_mesh_header(static_cast<int64_t>(positions.size() / 3), static_cast<int64_t>(faces.size() / 3));
  out.reserve(out.size() + positions.size() * 4 + faces.size() / 3 * 13);
  for (float f : positions) put_f32(out, f);
  for (size_t i = 0; i + 2 < faces.size(); i += 3) put_face(out, faces[i], faces[i + 1], faces[i + 2]);
  return out;
}

PlyMeshFileWriter::PlyMeshFileWriter() {
  vertex_file_ = std::tmpfile();
  face_file_ = std::tmpfile();
  if (!vertex_file_ || !face_file_) {
    if (vertex_file_) std::fclose(vertex_file_);
    if (face_file_) std::fclose(face_file_);
    throw std::runtime_error("cannot create temporary files for the mesh");
  }
  vertex_buffer_.reserve(kBufferBytes + 16);
  face_buffer_.reserve(kBufferBytes + 16);
}

PlyMeshFileWriter::~PlyMeshFileWriter() {
  std::fclose(vertex_file_);  // anonymous temporary files vanish on close
  std::fclose(face_file_);
}

uint32_t PlyMeshFileWriter::add_vertex(float x, float y, float z) {
  if (vertices_ >= kMaxPlyIndex)
    throw std::runtime_error("the mesh has more than 2^31 vertices, which a PLY int index cannot address");
  put_f32(vertex_buffer_, x);
  put_f32(vertex_buffer_, y);
  put_f32(vertex_buffer_, z);
  if (vertex_buffer_.size() >= kBufferBytes) {
    write_all(vertex_file_, vertex_buffer_);
    vertex_buffer_.clear();
  }
  return static_cast<uint32_t>(vertices_++);
}

void PlyMeshFileWriter::add_face(uint32_t a, uint32_t b, uint32_t c) {
  put_face(face_buffer_, a, b, c);
  ++faces_;
  if (face_buffer_.size() >= kBufferBytes) {
    write_all(face_file_, face_buffer_);
    face_buffer_.clear();
  }
}

void PlyMeshFileWriter::flush_buffers() {
  write_all(vertex_file_, vertex_buffer_);
  vertex_buffer_.clear();
  write_all(face_file_, face_buffer_);
  face_buffer_.clear();
}

void PlyMeshFileWriter::write_to(const std::function<void(const std::string&)>& sink, size_t chunk_bytes) {
  flush_buffers();
  sink(ply_mesh_header(vertices_, faces_));
  stream_file(vertex_file_, sink, chunk_bytes);
  stream_file(face_file_, sink, chunk_bytes);
}

}  // namespace siren
