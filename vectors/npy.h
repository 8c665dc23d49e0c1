#pragma once
/// Reader for NumPy .npy files (format versions 1-3): the integer and float tensors that
/// `satlm gen --from-npy` takes. Plain C++; every fault is an input_error naming the file.
///
/// \code
///   satlm::npy_array a = satlm::read_npy("act.npy");   // e.g. shape {8, 4, 4}, dtype int32
///   if (a.is_integer()) use(a.ints[0]); else use(a.reals[0]);
/// \endcode

#include <cstdint>
#include <string>
#include <vector>

namespace satlm {

/// One tensor, its values in C (row-major) order whatever the file's order.
struct npy_array {
    enum class kind { signed_int, unsigned_int, floating };

    std::string name;                ///< file name (for messages)
    kind type = kind::signed_int;    ///< element kind
    unsigned item_bytes = 0;         ///< bytes per element
    std::vector<std::size_t> shape;  ///< dimensions, outermost first
    std::vector<std::int64_t> ints;  ///< values of an integer tensor
    std::vector<double> reals;       ///< values of a float tensor

    bool is_integer() const { return type != kind::floating; }
    std::size_t size() const;
    /// NumPy's name of the element type: "int8", "uint16", "float32", ...
    std::string dtype_name() const;
    /// "(8, 4, 4)"
    std::string shape_text() const;
};

/// Parses the bytes of a .npy file. Supports int8/16/32/64, uint8/16/32 and float32/64 in
/// either byte order, C or Fortran order. Throws input_error "NAME: ..." on anything else
/// (bad magic, truncated data, unsupported dtype, malformed header).
npy_array parse_npy(const std::string& bytes, const std::string& name);

/// Reads and parses a .npy file; throws input_error naming the path when it cannot be read.
npy_array read_npy(const std::string& path);

}  // namespace satlm
