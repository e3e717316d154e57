#pragma once
// Triangle meshes as binary little-endian PLY, the layout the reference's plyfile output has:
//   element vertex N: property float x, y, z
//   element face M:   property list uchar int vertex_indices
// No LibTorch here.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace siren {

std::string ply_mesh_header(int64_t vertex_count, int64_t face_count);
// A whole mesh in memory: positions 3 floats per vertex, faces 3 indices per triangle.
std::string encode_ply_mesh(const std::vector<float>& positions, const std::vector<uint32_t>& faces);

// Builds a mesh too large for memory: vertices and faces are appended to two anonymous temporary
// files (their counts, which the PLY header needs first, are known only at the end), then
// write_to() streams header + vertex data + face data in bounded chunks.
class PlyMeshFileWriter {
 public:
  PlyMeshFileWriter();  // throws std::runtime_error if no temporary file can be created
  ~PlyMeshFileWriter();
  PlyMeshFileWriter(const PlyMeshFileWriter&) = delete;
  PlyMeshFileWriter& operator=(const PlyMeshFileWriter&) = delete;

  // Returns the new vertex's index.
  uint32_t add_vertex(float x, float y, float z);
  void add_face(uint32_t a, uint32_t b, uint32_t c);

  int64_t vertex_count() const { return vertices_; }
  int64_t face_count() const { return faces_; }

  // Emits the complete PLY file through `sink` in chunks of at most chunk_bytes.
  void write_to(const std::function<void(const std::string&)>& sink, size_t chunk_bytes = size_t{1} << 20);

 private:
  void flush_buffers();

  std::FILE* vertex_file_ = nullptr;
  std::FILE* face_file_ = nullptr;
  std::string vertex_buffer_, face_buffer_;
  int64_t vertices_ = 0;
  int64_t faces_ = 0;
};

}  // namespace siren
