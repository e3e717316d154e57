#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "mesh_checks.h"
#include "siren/errors.h"
#include "siren/io/point_cloud.h"
#include "siren/mesh/ply_writer.h"
#include "test_support.h"

namespace siren {
namespace {

using testing::invalid_input_message;

template <typename T>
void put(std::string& out, T v, bool big_endian = false) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  if (big_endian) std::reverse(b, b + sizeof(T));
  out.append(b, sizeof(T));
}

TEST(PointCloud, ReadsXyzWithCommentsAndBlankLines) {
  const OrientedPoints p = load_oriented_points("# x y z nx ny nz\n1 2 3 0 0 1\n\n  -1.5e0\t+2 3  1 0 0  # tail\r\n");
  ASSERT_EQ(p.size(), 2);
  EXPECT_EQ(p.positions, (std::vector<float>{1, 2, 3, -1.5f, 2, 3}));
  EXPECT_EQ(p.normals, (std::vector<float>{0, 0, 1, 1, 0, 0}));
}

TEST(PointCloud, BadXyzIsInvalidInputNamingTheLine) {
  const std::string five = invalid_input_message([] { load_oriented_points("1 2 3 0 0 1\n1 2 3 0 0\n"); });
  EXPECT_NE(five.find("line 2"), std::string::npos) << five;
  EXPECT_NE(five.find("5 values"), std::string::npos) << five;
  EXPECT_NE(five.find("exactly 6"), std::string::npos) << five;
  const std::string nan = invalid_input_message([] { load_oriented_points("1 2 3 0 0 1\n1 nan 3 0 0 1\n"); });
  EXPECT_NE(nan.find("line 2"), std::string::npos) << nan;
  EXPECT_NE(nan.find("NaN"), std::string::npos) << nan;
  EXPECT_NE(invalid_input_message([] { load_oriented_points("1 2 3 inf 0 1\n"); }).find("NaN or infinite"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] { load_oriented_points("1 2 3 0 0 0\n"); }).find("zero-length normal"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] { load_oriented_points("1 2 three 0 0 1\n"); }).find("\"three\" is not a number"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([] { load_oriented_points(""); }).find("empty"), std::string::npos);
  EXPECT_NE(invalid_input_message([] { load_oriented_points(" \n\n"); }).find("empty"), std::string::npos);
  EXPECT_NE(invalid_input_message([] { load_oriented_points("# only a comment\n"); }).find("empty"),
            std::string::npos);
}

TEST(PointCloud, ReadsAsciiPlyWithNormalsInAnyPropertyOrder) {
  const std::string ply =
      "ply\r\nformat ascii 1.0\r\ncomment made by hand\r\nelement vertex 2\r\nproperty double nz\r\n"
      "property float x\r\nproperty uchar red\r\nproperty float ny\r\nproperty int y\r\nproperty float z\r\n"
      "property float nx\r\nelement face 0\r\nproperty list uchar int vertex_indices\r\nend_header\r\n"
      "1 0.5 255 0 2 3 0\n0.25 -1 0 0.5 -7 8 0.75\n";
  const OrientedPoints p = load_oriented_points(ply);
  ASSERT_EQ(p.size(), 2);
  EXPECT_EQ(p.positions, (std::vector<float>{0.5f, 2, 3, -1, -7, 8}));
  EXPECT_EQ(p.normals, (std::vector<float>{0, 0, 1, 0.75f, 0.5f, 0.25f}));
}

std::string binary_ply_with_normals(bool big_endian) {
  std::string ply = std::string("ply\nformat ") + (big_endian ? "binary_big_endian" : "binary_little_endian") +
                    " 1.0\nelement vertex 2\nproperty double x\nproperty float y\nproperty float z\n"
                    "property uchar quality\nproperty float nx\nproperty float ny\nproperty float nz\n"
                    "element edge 1\nproperty int vertex1\nproperty int vertex2\nend_header\n";
  const float rows[2][6] = {{1, 2, 3, 0, 1, 0}, {-4, 5.5f, 6, 0, 0, -2}};
  for (const auto& r : rows) {
    put<double>(ply, r[0], big_endian);
    put<float>(ply, r[1], big_endian);
    put<float>(ply, r[2], big_endian);
    put<uint8_t>(ply, 7);
    for (int d = 3; d < 6; ++d) put<float>(ply, r[d], big_endian);
  }
  put<int32_t>(ply, 0, big_endian);
  put<int32_t>(ply, 1, big_endian);
  return ply;
}

TEST(PointCloud, ReadsBinaryPlyWithNormals) {
  for (bool big : {false, true}) {
    const OrientedPoints p = load_oriented_points(binary_ply_with_normals(big));
    ASSERT_EQ(p.size(), 2) << big;
    EXPECT_EQ(p.positions, (std::vector<float>{1, 2, 3, -4, 5.5f, 6})) << big;
    EXPECT_EQ(p.normals, (std::vector<float>{0, 1, 0, 0, 0, -2})) << big;  // as given, not renormalised
  }
}

TEST(PointCloud, BadPlyIsInvalidInput) {
  const std::string full = binary_ply_with_normals(false);
  const std::string truncated = full.substr(0, full.size() - 12);
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(truncated); }).find("truncated"), std::string::npos);
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(full.substr(0, 60)); }).find("end_header"),
            std::string::npos);

  const std::string points_only =
      "ply\nformat ascii 1.0\nelement vertex 2\nproperty float x\nproperty float y\nproperty float z\nend_header\n"
      "0 0 0\n1 1 1\n";
  const std::string msg = invalid_input_message([&] { load_oriented_points(points_only); });
  EXPECT_NE(msg.find("has no normals and no faces"), std::string::npos) << msg;

  const std::string bad_index =
      "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
      "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n3 0 1 5\n";
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(bad_index); }).find("refers to vertex 5"),
            std::string::npos);

  // Found by the point_cloud fuzzer: an index or a list length beyond any integer type was converted
  // to one (undefined behaviour) before it was checked.
  const std::string face_prefix =
      "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty float z\n"
      "element face 1\nproperty list uchar int vertex_indices\nend_header\n0 0 0\n1 0 0\n0 1 0\n";
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(face_prefix + "3 0 1 2.5e45\n"); })
                .find("invalid vertex index"),
            std::string::npos);
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(face_prefix + "1e300 0 1 2\n"); })
                .find("invalid list length"),
            std::string::npos);

  const std::string nan_vertex =
      "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
      "property float nx\nproperty float ny\nproperty float nz\nend_header\n0 nan 0 0 0 1\n";
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(nan_vertex); }).find("NaN"), std::string::npos);

  const std::string zero_normal =
      "ply\nformat ascii 1.0\nelement vertex 1\nproperty float x\nproperty float y\nproperty float z\n"
      "property float nx\nproperty float ny\nproperty float nz\nend_header\n0 0 0 0 0 0\n";
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(zero_normal); }).find("zero-length"), std::string::npos);

  const std::string huge_count =
      "ply\nformat binary_little_endian 1.0\nelement vertex 4000000000\nproperty float x\nproperty float y\n"
      "property float z\nend_header\n";
  EXPECT_NE(invalid_input_message([&] { load_oriented_points(huge_count); }).find("truncated"), std::string::npos);
  EXPECT_FALSE(invalid_input_message([] { load_oriented_points("ply\nformat ascii 2.0 x\nend_header\n"); }).empty());
}

TEST(PointCloud, MeshWithoutNormalsIsSampledWithOutwardNormals) {
  const testing::TestMesh cube = testing::cube_mesh(0.5f);
  const OrientedPoints p = load_oriented_points(encode_ply_mesh(cube.positions, cube.faces), {6000, 1});
  ASSERT_EQ(p.size(), 6000);
  int per_axis_side[3][2] = {};
  for (int64_t i = 0; i < p.size(); ++i) {
    const float* x = &p.positions[3 * i];
    const float* n = &p.normals[3 * i];
    int axis = -1;
    for (int d = 0; d < 3; ++d) {
      EXPECT_LE(std::abs(x[d]), 0.5f + 1e-6f);
      if (std::abs(n[d]) > 0.5f) axis = d;
    }
    ASSERT_GE(axis, 0);
    EXPECT_FLOAT_EQ(std::abs(n[axis]), 1.0f);                  // unit normal along the face's axis
    EXPECT_NEAR(x[axis], 0.5f * n[axis], 1e-6f);               // on that face, normal pointing away
    ++per_axis_side[axis][n[axis] > 0];
  }
  for (auto& axis : per_axis_side)
    for (int count : axis) EXPECT_NEAR(count, 1000, 150);  // equal areas -> equal shares

  const testing::TestMesh sphere = testing::uv_sphere(2.0, 24, 48);
  const std::string ply = encode_ply_mesh(sphere.positions, sphere.faces);
  const OrientedPoints s = load_oriented_points(ply, {2000, 7});
  for (int64_t i = 0; i < s.size(); ++i) {
    const float* x = &s.positions[3 * i];
    const float* n = &s.normals[3 * i];
    const double r = std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    EXPECT_NEAR(r, 2.0, 0.02);
    EXPECT_GT((x[0] * n[0] + x[1] * n[1] + x[2] * n[2]) / r, 0.97);
  }
  // Deterministic given the seed, different for another seed.
  EXPECT_EQ(load_oriented_points(ply, {2000, 7}).positions, s.positions);
  EXPECT_NE(load_oriented_points(ply, {2000, 8}).positions, s.positions);
}

TEST(PointCloud, PolygonFacesAreFannedKeepingTheWinding) {
  const std::string quad =
      "ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\nproperty float z\n"
      "element face 1\nproperty list uchar uint vertex_indices\nend_header\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n4 0 1 2 3\n";
  const PlyGeometry g = parse_ply(quad);
  EXPECT_EQ(g.faces, (std::vector<uint32_t>{0, 1, 2, 0, 2, 3}));
  const OrientedPoints p = load_oriented_points(quad, {50, 0});
  for (int64_t i = 0; i < p.size(); ++i) EXPECT_EQ(p.normals[3 * i + 2], 1.0f);
}

TEST(PointCloud, PlyWriterRoundTripsAndStreamsTheSameBytes) {
  const testing::TestMesh sphere = testing::uv_sphere(1.0, 6, 8);
  const std::string bytes = encode_ply_mesh(sphere.positions, sphere.faces);
  EXPECT_EQ(bytes.rfind("ply\nformat binary_little_endian 1.0\nelement vertex ", 0), 0u);
  EXPECT_NE(bytes.find("property list uchar int vertex_indices\nend_header\n"), std::string::npos);
  const PlyGeometry back = parse_ply(bytes);
  EXPECT_EQ(back.positions, sphere.positions);
  EXPECT_EQ(back.faces, sphere.faces);
  EXPECT_TRUE(back.normals.empty());

  PlyMeshFileWriter writer;
  for (size_t i = 0; i < sphere.positions.size(); i += 3)
    writer.add_vertex(sphere.positions[i], sphere.positions[i + 1], sphere.positions[i + 2]);
  for (size_t i = 0; i < sphere.faces.size(); i += 3)
    writer.add_face(sphere.faces[i], sphere.faces[i + 1], sphere.faces[i + 2]);
  std::string streamed;
  int chunks = 0;
  writer.write_to([&](const std::string& b) { streamed += b, ++chunks; }, 64);
  EXPECT_EQ(streamed, bytes);
  EXPECT_GT(chunks, 3);
}

}  // namespace
}  // namespace siren
