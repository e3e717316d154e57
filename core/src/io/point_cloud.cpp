#include "siren/io/point_cloud.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <random>

#include "siren/errors.h"
#include "siren/io/input_limits.h"

namespace siren {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// Locale-independent number parsing of a whole token ("+1.5", "-2e-3", "nan", "inf").
bool parse_number(const char* begin, const char* end, double& out) {
  if (begin != end && *begin == '+') ++begin;
  if (begin == end) return false;
  const auto result = std::from_chars(begin, end, out);
  return result.ec == std::errc() && result.ptr == end;
}

std::string shorten(std::string s) {
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return s;
}

// `where` names the point for the message, e.g. "PLY vertex " + index; built only on failure.
template <typename Where>
void check_normal(const float* n, const Where& where) {
  for (int d = 0; d < 3; ++d)
    if (!std::isfinite(n[d])) throw InvalidInput(where() + " has a NaN or infinite normal component");
  if (n[0] == 0.0f && n[1] == 0.0f && n[2] == 0.0f)
    throw InvalidInput(where() + " has a zero-length normal; every point needs a direction (outward normal)");
}

template <typename Where>
void check_position(const float* p, const Where& where) {
  for (int d = 0; d < 3; ++d)
    if (!std::isfinite(p[d])) throw InvalidInput(where() + " has a NaN or infinite coordinate");
}

// ---------------------------------------------------------------------------------------------
// PLY

enum class PlyType { Int8, UInt8, Int16, UInt16, Int32, UInt32, Float32, Float64 };

bool ply_type_from_name(const std::string& name, PlyType& type) {
  static const std::pair<const char*, PlyType> names[] = {
      {"char", PlyType::Int8},     {"int8", PlyType::Int8},       {"uchar", PlyType::UInt8},
      {"uint8", PlyType::UInt8},   {"short", PlyType::Int16},     {"int16", PlyType::Int16},
      {"ushort", PlyType::UInt16}, {"uint16", PlyType::UInt16},   {"int", PlyType::Int32},
      {"int32", PlyType::Int32},   {"uint", PlyType::UInt32},     {"uint32", PlyType::UInt32},
      {"float", PlyType::Float32}, {"float32", PlyType::Float32}, {"double", PlyType::Float64},
      {"float64", PlyType::Float64}};
  for (const auto& [n, t] : names)
    if (name == n) {
      type = t;
      return true;
    }
  return false;
}

size_t ply_type_size(PlyType t) {
  switch (t) {
    case PlyType::Int8:
    case PlyType::UInt8: return 1;
    case PlyType::Int16:
    case PlyType::UInt16: return 2;
    case PlyType::Int32:
    case PlyType::UInt32:
    case PlyType::Float32: return 4;
    case PlyType::Float64: return 8;
  }
  return 1;
}

struct PlyProperty {
  std::string name;
  PlyType type = PlyType::Float32;
  bool is_list = false;
  PlyType count_type = PlyType::UInt8;
};

struct PlyElement {
  std::string name;
  int64_t count = 0;
  std::vector<PlyProperty> properties;
};

enum class PlyFormat { Ascii, BinaryLittle, BinaryBig };

struct PlyHeader {
  PlyFormat format = PlyFormat::Ascii;
  std::vector<PlyElement> elements;
  size_t body_offset = 0;
};

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    size_t j = i;
    while (j < line.size() && !is_space(line[j])) ++j;
    if (j > i) words.push_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

PlyHeader parse_ply_header(const std::string& bytes) {
  PlyHeader header;
  size_t pos = 0;
  int line_number = 0;
  bool ended = false;
  while (pos < bytes.size()) {
    const size_t nl = bytes.find('\n', pos);
    if (nl == std::string::npos) break;
    const std::string line = bytes.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_number;
    const std::vector<std::string> w = split_words(line);
    const std::string where = "PLY header line " + std::to_string(line_number);
    if (line_number == 1) {
      if (w.size() != 1 || w[0] != "ply") throw InvalidInput("not a PLY file: the first line must be \"ply\"");
      continue;
    }
    if (w.empty() || w[0] == "comment" || w[0] == "obj_info") continue;
    if (w[0] == "end_header") {
      ended = true;
      break;
    }
    if (w[0] == "format") {
      if (w.size() < 2) throw InvalidInput(where + ": \"format\" needs a value");
      if (w[1] == "ascii")
        header.format = PlyFormat::Ascii;
      else if (w[1] == "binary_little_endian")
        header.format = PlyFormat::BinaryLittle;
      else if (w[1] == "binary_big_endian")
        header.format = PlyFormat::BinaryBig;
      else
        throw InvalidInput(where + ": unknown PLY format \"" + shorten(w[1]) + "\"");
    } else if (w[0] == "element") {
      double count = 0;
      if (w.size() != 3 || !parse_number(w[2].data(), w[2].data() + w[2].size(), count) || count < 0 ||
          count != std::floor(count) || count > 4e9)
        throw InvalidInput(where + ": expected \"element NAME COUNT\"");
      header.elements.push_back({w[1], static_cast<int64_t>(count), {}});
    } else if (w[0] == "property") {
      if (header.elements.empty()) throw InvalidInput(where + ": property before any element");
      PlyProperty p;
      if (w.size() == 5 && w[1] == "list") {
        p.is_list = true;
        if (!ply_type_from_name(w[2], p.count_type) || !ply_type_from_name(w[3], p.type))
          throw InvalidInput(where + ": unknown property type in \"" + shorten(line) + "\"");
        if (p.count_type == PlyType::Float32 || p.count_type == PlyType::Float64)
          throw InvalidInput(where + ": a list count must have an integer type");
        p.name = w[4];
      } else if (w.size() == 3) {
        if (!ply_type_from_name(w[1], p.type))
          throw InvalidInput(where + ": unknown property type \"" + shorten(w[1]) + "\"");
        p.name = w[2];
      } else {
        throw InvalidInput(where + ": malformed property line \"" + shorten(line) + "\"");
      }
      header.elements.back().properties.push_back(p);
    } else {
      throw InvalidInput(where + ": unexpected \"" + shorten(w[0]) + "\"");
    }
  }
  if (!ended) throw InvalidInput("the PLY header has no end_header line (truncated or not a PLY file)");
  header.body_offset = pos;
  return header;
}

// Reads values of the body one at a time, ascii or binary, with truncation checks.
class PlyBodyReader {
 public:
  PlyBodyReader(const std::string& bytes, size_t offset, PlyFormat format)
      : data_(bytes.data()), size_(bytes.size()), pos_(offset), format_(format) {
    const uint16_t one = 1;
    unsigned char first_byte;
    std::memcpy(&first_byte, &one, 1);
    swap_ = format != PlyFormat::Ascii && (first_byte == 1) != (format == PlyFormat::BinaryLittle);
    // Body line numbers for ascii errors continue after the header.
    for (size_t i = 0; i < offset; ++i) line_ += bytes[i] == '\n';
    ++line_;
  }

  // One value of `element` row `row` (for error messages only).
  double read(PlyType type, const std::string& element, int64_t row) {
    if (format_ == PlyFormat::Ascii) return read_ascii(type, element, row);
    const size_t n = ply_type_size(type);
    if (size_ - pos_ < n)
      throw InvalidInput("the binary PLY data is truncated: it ends inside " + element + " " + std::to_string(row));
    unsigned char b[8];
    std::memcpy(b, data_ + pos_, n);
    pos_ += n;
    if (swap_) std::reverse(b, b + n);
    switch (type) {
      case PlyType::Int8: { int8_t v; std::memcpy(&v, b, 1); return v; }
      case PlyType::UInt8: return b[0];
      case PlyType::Int16: { int16_t v; std::memcpy(&v, b, 2); return v; }
      case PlyType::UInt16: { uint16_t v; std::memcpy(&v, b, 2); return v; }
      case PlyType::Int32: { int32_t v; std::memcpy(&v, b, 4); return v; }
      case PlyType::UInt32: { uint32_t v; std::memcpy(&v, b, 4); return v; }
      case PlyType::Float32: { float v; std::memcpy(&v, b, 4); return v; }
      case PlyType::Float64: { double v; std::memcpy(&v, b, 8); return v; }
    }
    return 0;
  }

  // Minimum bytes a row of `element` needs (binary), to reject absurd counts before allocating.
  size_t remaining() const { return size_ - pos_; }
  bool binary() const { return format_ != PlyFormat::Ascii; }

 private:
  double read_ascii(PlyType type, const std::string& element, int64_t row) {
    while (pos_ < size_ && is_space(data_[pos_])) line_ += data_[pos_++] == '\n';
    const auto what = [&] { return element + " " + std::to_string(row); };
    if (pos_ >= size_) throw InvalidInput("the PLY data is truncated: it ends inside " + what());
    const size_t start = pos_;
    while (pos_ < size_ && !is_space(data_[pos_])) ++pos_;
    double v = 0;
    if (!parse_number(data_ + start, data_ + pos_, v))
      throw InvalidInput("PLY line " + std::to_string(line_) + ": \"" +
                         shorten(std::string(data_ + start, pos_ - start)) + "\" is not a number (" + what() + ")");
    if (type != PlyType::Float32 && type != PlyType::Float64 && v != std::floor(v))
      throw InvalidInput("PLY line " + std::to_string(line_) + ": " + what() + " must be an integer");
    return v;
  }

  const char* data_;
  size_t size_;
  size_t pos_;
  PlyFormat format_;
  bool swap_ = false;
  int64_t line_ = 0;
};

int find_property(const PlyElement& e, std::initializer_list<const char*> names) {
  for (size_t i = 0; i < e.properties.size(); ++i)
    for (const char* n : names)
      if (!e.properties[i].is_list && e.properties[i].name == n) return static_cast<int>(i);
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Deterministic uniform doubles in [0, 1) from a 64-bit Mersenne Twister (same stream everywhere,
// unlike std::uniform_real_distribution whose algorithm is implementation-defined).
class UnitRandom {
 public:
  explicit UnitRandom(uint64_t seed) : engine_(seed) {}
  double operator()() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace

bool looks_like_ply(const std::string& bytes) {
  return bytes.compare(0, 4, "ply\n") == 0 || bytes.compare(0, 5, "ply\r\n") == 0;
}

PlyGeometry parse_ply(const std::string& bytes) {
  if (!looks_like_ply(bytes)) throw InvalidInput("not a PLY file: it does not start with \"ply\"");
  const PlyHeader header = parse_ply_header(bytes);
  PlyBodyReader reader(bytes, header.body_offset, header.format);
  PlyGeometry geometry;
  bool seen_vertex = false;
  for (const PlyElement& element : header.elements) {
    const bool is_vertex = element.name == "vertex";
    const bool is_face = element.name == "face";
    // Reject counts the data cannot possibly hold before reserving memory for them.
    size_t min_row = 0;
    for (const auto& p : element.properties) min_row += p.is_list ? ply_type_size(p.count_type) : ply_type_size(p.type);
    if (!reader.binary()) min_row = element.properties.size();  // >= 1 character per value
    if (min_row > 0 && static_cast<uint64_t>(element.count) > reader.remaining() / min_row + 1)
      throw InvalidInput("the PLY data is truncated: the header announces " + std::to_string(element.count) + " " +
                         element.name + " elements but the file is too short for them");

    int ix = -1, iy = -1, iz = -1, inx = -1, iny = -1, inz = -1, ilist = -1;
    if (is_vertex) {
      if (seen_vertex) throw InvalidInput("the PLY file has two vertex elements");
      seen_vertex = true;
      ix = find_property(element, {"x"});
      iy = find_property(element, {"y"});
      iz = find_property(element, {"z"});
      if (ix < 0 || iy < 0 || iz < 0) throw InvalidInput("the PLY vertex element lacks an x, y or z property");
      inx = find_property(element, {"nx"});
      iny = find_property(element, {"ny"});
      inz = find_property(element, {"nz"});
      const int normal_props = (inx >= 0) + (iny >= 0) + (inz >= 0);
      if (normal_props != 0 && normal_props != 3)
        throw InvalidInput("the PLY vertex element has only some of nx, ny, nz; give all three or none");
      geometry.positions.reserve(static_cast<size_t>(element.count) * 3);
      if (normal_props == 3) geometry.normals.reserve(static_cast<size_t>(element.count) * 3);
    }
    if (is_face) {
      for (size_t i = 0; i < element.properties.size(); ++i)
        if (element.properties[i].is_list &&
            (element.properties[i].name == "vertex_indices" || element.properties[i].name == "vertex_index"))
          ilist = static_cast<int>(i);
      if (ilist < 0 && element.count > 0)
        throw InvalidInput("the PLY face element has no vertex_indices list property");
    }

    std::vector<double> row(element.properties.size());
    std::vector<int64_t> polygon;
    for (int64_t r = 0; r < element.count; ++r) {
      for (size_t pi = 0; pi < element.properties.size(); ++pi) {
        const PlyProperty& p = element.properties[pi];
        if (!p.is_list) {
          row[pi] = reader.read(p.type, element.name, r);
          continue;
        }
        const double n = reader.read(p.count_type, element.name, r);
        // A real polygon has a handful of corners; a count in the billions is a corrupt file, not a face.
        constexpr double kMaxListLength = 1 << 20;
        if (n < 0 || n != std::floor(n) || n > kMaxListLength)
          throw InvalidInput("PLY " + element.name + " " + std::to_string(r) + " has an invalid list length " +
                             std::to_string(n));
        const bool keep = is_face && static_cast<int>(pi) == ilist;
        if (keep) polygon.clear();
        for (int64_t k = 0; k < static_cast<int64_t>(n); ++k) {
          const double v = reader.read(p.type, element.name, r);
          if (keep) {
            if (v < 0 || v != std::floor(v) || v > static_cast<double>(UINT32_MAX))
              throw InvalidInput("PLY " + element.name + " " + std::to_string(r) + " has an invalid vertex index " +
                                 std::to_string(v));
            polygon.push_back(static_cast<int64_t>(v));
          }
        }
      }
      if (is_vertex) {
        float xyz[3] = {static_cast<float>(row[ix]), static_cast<float>(row[iy]), static_cast<float>(row[iz])};
        check_position(xyz, [r] { return "PLY vertex " + std::to_string(r); });
        geometry.positions.insert(geometry.positions.end(), xyz, xyz + 3);
        if (inx >= 0) {
          float n[3] = {static_cast<float>(row[inx]), static_cast<float>(row[iny]), static_cast<float>(row[inz])};
          geometry.normals.insert(geometry.normals.end(), n, n + 3);
        }
      } else if (is_face) {
        if (polygon.size() < 3)
          throw InvalidInput("PLY face " + std::to_string(r) + " has " + std::to_string(polygon.size()) +
                             " vertices; faces need at least 3");
        for (size_t k = 1; k + 1 < polygon.size(); ++k) {  // fan: (0, k, k+1) keeps the winding
          geometry.faces.push_back(static_cast<uint32_t>(std::min<int64_t>(polygon[0], UINT32_MAX)));
          geometry.faces.push_back(static_cast<uint32_t>(std::min<int64_t>(polygon[k], UINT32_MAX)));
          geometry.faces.push_back(static_cast<uint32_t>(std::min<int64_t>(polygon[k + 1], UINT32_MAX)));
        }
      }
    }
  }
  if (!seen_vertex) throw InvalidInput("the PLY file has no vertex element");
  const int64_t nv = geometry.vertex_count();
  for (size_t i = 0; i < geometry.faces.size(); ++i)
    if (geometry.faces[i] >= static_cast<uint64_t>(nv))
      throw InvalidInput("PLY face " + std::to_string(i / 3) + " refers to vertex " + std::to_string(geometry.faces[i]) +
                         " but there are only " + std::to_string(nv) + " vertices");
  return geometry;
}

OrientedPoints parse_xyz(const std::string& bytes) {
  OrientedPoints points;
  size_t pos = 0;
  int64_t line_number = 0;
  while (pos < bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string::npos) end = bytes.size();
    ++line_number;
    const char* p = bytes.data() + pos;
    const char* line_end = bytes.data() + end;
    pos = end + 1;
    if (const void* hash = std::memchr(p, '#', line_end - p)) line_end = static_cast<const char*>(hash);
    double values[6];
    int count = 0;
    while (true) {
      while (p < line_end && is_space(*p)) ++p;
      if (p >= line_end) break;
      const char* start = p;
      while (p < line_end && !is_space(*p)) ++p;
      double v = 0;
      if (!parse_number(start, p, v))
        throw InvalidInput("point cloud line " + std::to_string(line_number) + ": \"" +
                           shorten(std::string(start, p - start)) +
                           "\" is not a number; expected a .xyz file (x y z nx ny nz per line) or a PLY file");
      if (count < 6) values[count] = v;
      ++count;
    }
    if (count == 0) continue;
    if (count != 6)
      throw InvalidInput("point cloud line " + std::to_string(line_number) + " has " + std::to_string(count) +
                         " values; a .xyz point cloud needs exactly 6 per line: x y z nx ny nz");
    float xyz[3], n[3];
    for (int d = 0; d < 3; ++d) {
      xyz[d] = static_cast<float>(values[d]);
      n[d] = static_cast<float>(values[3 + d]);
    }
    const auto where = [line_number] { return "point cloud line " + std::to_string(line_number); };
    check_position(xyz, where);
    check_normal(n, where);
    points.positions.insert(points.positions.end(), xyz, xyz + 3);
    points.normals.insert(points.normals.end(), n, n + 3);
  }
  if (points.size() == 0) throw InvalidInput("the point cloud is empty: no \"x y z nx ny nz\" lines");
  return points;
}

OrientedPoints sample_mesh_surface(const std::vector<float>& positions, const std::vector<uint32_t>& faces,
                                   int64_t count, uint64_t seed) {
  if (count <= 0) throw InvalidInput("the number of points to sample on the mesh must be positive");
  const size_t nf = faces.size() / 3;
  std::vector<double> cumulative(nf);
  std::vector<double> unit_normals(nf * 3);
  double total = 0;
  for (size_t f = 0; f < nf; ++f) {
    const float* a = &positions[3 * faces[3 * f]];
    const float* b = &positions[3 * faces[3 * f + 1]];
    const float* c = &positions[3 * faces[3 * f + 2]];
    const double u[3] = {double(b[0]) - a[0], double(b[1]) - a[1], double(b[2]) - a[2]};
    const double v[3] = {double(c[0]) - a[0], double(c[1]) - a[1], double(c[2]) - a[2]};
    const double n[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
    const double len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len > 0 && std::isfinite(len)) {
      total += 0.5 * len;
      for (int d = 0; d < 3; ++d) unit_normals[3 * f + d] = n[d] / len;
    }
    cumulative[f] = total;
  }
  if (!(total > 0)) throw InvalidInput("the mesh has no triangle with a positive area to sample points from");

  UnitRandom random(seed);
  OrientedPoints points;
  points.positions.resize(static_cast<size_t>(count) * 3);
  points.normals.resize(static_cast<size_t>(count) * 3);
  for (int64_t i = 0; i < count; ++i) {
    const double r = random() * total;
    size_t f = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), r) - cumulative.begin());
    f = std::min(f, nf - 1);
    while (f > 0 && unit_normals[3 * f] == 0 && unit_normals[3 * f + 1] == 0 && unit_normals[3 * f + 2] == 0) --f;
    // Uniform on the triangle: a·(1 - √r1) + b·√r1·(1 - r2) + c·√r1·r2.
    const double s = std::sqrt(random());
    const double t = random();
    const double wa = 1 - s, wb = s * (1 - t), wc = s * t;
    const float* a = &positions[3 * faces[3 * f]];
    const float* b = &positions[3 * faces[3 * f + 1]];
    const float* c = &positions[3 * faces[3 * f + 2]];
    for (int d = 0; d < 3; ++d) {
      points.positions[3 * i + d] = static_cast<float>(wa * a[d] + wb * b[d] + wc * c[d]);
      points.normals[3 * i + d] = static_cast<float>(unit_normals[3 * f + d]);
    }
  }
  return points;
}

OrientedPoints load_oriented_points(const std::string& bytes, const PointCloudOptions& options) {
  if (bytes.empty())
    throw InvalidInput("the input is empty (0 bytes); expected a point cloud file (.xyz text or PLY)");
  bool blank = true;
  for (char c : bytes) blank = blank && is_space(c);
  if (blank) throw InvalidInput("the point cloud is empty");
  const int64_t max_points = input_limits().max_points;
  auto too_many = [max_points](int64_t count, const char* what) {
    return InvalidInput("the point cloud has " + std::to_string(count) + " " + what + ", more than this server accepts (" +
                        std::to_string(max_points) + " at most; siren-server --max-points); subsample it first");
  };
  if (!looks_like_ply(bytes)) {
    OrientedPoints points = parse_xyz(bytes);
    if (points.size() > max_points) throw too_many(points.size(), "points");
    return points;
  }

  PlyGeometry ply = parse_ply(bytes);
  if (ply.vertex_count() == 0) throw InvalidInput("the PLY file has no vertices");
  if (ply.vertex_count() > max_points) throw too_many(ply.vertex_count(), "vertices");
  if (!ply.normals.empty()) {
    for (int64_t i = 0; i < ply.vertex_count(); ++i) check_normal(&ply.normals[3 * i], [i] { return "PLY vertex " + std::to_string(i); });
    return OrientedPoints{std::move(ply.positions), std::move(ply.normals)};
  }
  if (ply.faces.empty())
    throw InvalidInput("the PLY file has no normals and no faces; an SDF fit needs oriented points: give the "
                       "vertices nx, ny, nz properties, or give a triangle mesh to sample points from");
  return sample_mesh_surface(ply.positions, ply.faces, options.mesh_samples, options.seed);
}

}  // namespace siren
