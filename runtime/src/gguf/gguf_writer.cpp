// SPDX-License-Identifier: MIT
// GgufWriter: encodes metadata eagerly and streams tensor data at write time.
#include "bitnet/gguf_writer.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "bitnet/error.hpp"

namespace bitnet::gguf {

namespace {

constexpr uint32_t kVersion = 3;

template <class T>
void put(std::vector<uint8_t>& out, T v) {
    // The file is little-endian, like us. resize + memcpy rather than a range
    // insert, which g++ 12 flags with a false -Wstringop-overflow.
    const size_t at = out.size();
    out.resize(at + sizeof(T));
    std::memcpy(out.data() + at, &v, sizeof(T));
}

void put_string(std::vector<uint8_t>& out, const std::string& s) {
    put<uint64_t>(out, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

// Encodes a value without its type tag (array elements carry none).
void put_payload(std::vector<uint8_t>& out, const Value& v, const std::string& key) {
    switch (v.type) {
    case ValueType::U8: put<uint8_t>(out, static_cast<uint8_t>(std::get<uint64_t>(v.data))); break;
    case ValueType::I8: put<int8_t>(out, static_cast<int8_t>(std::get<int64_t>(v.data))); break;
    case ValueType::U16: put<uint16_t>(out, static_cast<uint16_t>(std::get<uint64_t>(v.data))); break;
    case ValueType::I16: put<int16_t>(out, static_cast<int16_t>(std::get<int64_t>(v.data))); break;
    case ValueType::U32: put<uint32_t>(out, static_cast<uint32_t>(std::get<uint64_t>(v.data))); break;
    case ValueType::I32: put<int32_t>(out, static_cast<int32_t>(std::get<int64_t>(v.data))); break;
    case ValueType::U64: put<uint64_t>(out, std::get<uint64_t>(v.data)); break;
    case ValueType::I64: put<int64_t>(out, std::get<int64_t>(v.data)); break;
    case ValueType::F32: put<float>(out, static_cast<float>(std::get<double>(v.data))); break;
    case ValueType::F64: put<double>(out, std::get<double>(v.data)); break;
    case ValueType::Bool: put<uint8_t>(out, std::get<bool>(v.data) ? 1 : 0); break;
    case ValueType::String: put_string(out, std::get<std::string>(v.data)); break;
    case ValueType::Array: {
        const Array& items = std::get<Array>(v.data);
        put<uint32_t>(out, static_cast<uint32_t>(v.array_type));
        put<uint64_t>(out, items.size());
        for (const Value& e : items) {
            if (e.type != v.array_type)
                throw Error("key " + key + ": array element of type " + value_type_name(e.type) +
                            " in an array of " + value_type_name(v.array_type));
            put_payload(out, e, key);
        }
        break;
    }
    default:
        throw Error("key " + key + ": cannot encode value type " +
                    std::to_string(static_cast<uint32_t>(v.type)));
    }
}

template <class T, class Stored>
Value scalar(ValueType t, T v) {
    Value out;
    out.type = t;
    out.data = static_cast<Stored>(v);
    return out;
}

template <class T, class Stored>
Value array_of(ValueType t, const std::vector<T>& items) {
    Value out;
    out.type = ValueType::Array;
    out.array_type = t;
    Array a;
    a.reserve(items.size());
    for (const T& e : items) a.push_back(scalar<T, Stored>(t, e));
    out.data = std::move(a);
    return out;
}

uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

}  // namespace

void GgufWriter::set_value(const std::string& key, const Value& v) {
    std::vector<uint8_t> enc;
    put<uint32_t>(enc, static_cast<uint32_t>(v.type));
    put_payload(enc, v, key);
    if (key == "general.alignment") {
        if (std::holds_alternative<uint64_t>(v.data))
            alignment_ = static_cast<uint32_t>(std::get<uint64_t>(v.data));
        else if (std::holds_alternative<int64_t>(v.data))
            alignment_ = static_cast<uint32_t>(std::get<int64_t>(v.data));
    }
    for (Kv& kv : kv_) {
        if (kv.key == key) {
            kv.encoded = std::move(enc);
            return;
        }
    }
    kv_.push_back({key, std::move(enc)});
}

void GgufWriter::set_u8(const std::string& k, uint8_t v) { set_value(k, scalar<uint8_t, uint64_t>(ValueType::U8, v)); }
void GgufWriter::set_i8(const std::string& k, int8_t v) { set_value(k, scalar<int8_t, int64_t>(ValueType::I8, v)); }
void GgufWriter::set_u16(const std::string& k, uint16_t v) { set_value(k, scalar<uint16_t, uint64_t>(ValueType::U16, v)); }
void GgufWriter::set_i16(const std::string& k, int16_t v) { set_value(k, scalar<int16_t, int64_t>(ValueType::I16, v)); }
void GgufWriter::set_u32(const std::string& k, uint32_t v) { set_value(k, scalar<uint32_t, uint64_t>(ValueType::U32, v)); }
void GgufWriter::set_i32(const std::string& k, int32_t v) { set_value(k, scalar<int32_t, int64_t>(ValueType::I32, v)); }
void GgufWriter::set_u64(const std::string& k, uint64_t v) { set_value(k, scalar<uint64_t, uint64_t>(ValueType::U64, v)); }
void GgufWriter::set_i64(const std::string& k, int64_t v) { set_value(k, scalar<int64_t, int64_t>(ValueType::I64, v)); }
void GgufWriter::set_f32(const std::string& k, float v) { set_value(k, scalar<float, double>(ValueType::F32, v)); }
void GgufWriter::set_f64(const std::string& k, double v) { set_value(k, scalar<double, double>(ValueType::F64, v)); }
void GgufWriter::set_bool(const std::string& k, bool v) { set_value(k, scalar<bool, bool>(ValueType::Bool, v)); }
void GgufWriter::set_string(const std::string& k, const std::string& v) {
    set_value(k, scalar<std::string, std::string>(ValueType::String, v));
}
void GgufWriter::set_string_array(const std::string& k, const std::vector<std::string>& v) {
    set_value(k, array_of<std::string, std::string>(ValueType::String, v));
}
void GgufWriter::set_f32_array(const std::string& k, const std::vector<float>& v) {
    set_value(k, array_of<float, double>(ValueType::F32, v));
}
void GgufWriter::set_i32_array(const std::string& k, const std::vector<int32_t>& v) {
    set_value(k, array_of<int32_t, int64_t>(ValueType::I32, v));
}

void GgufWriter::add_tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                            std::vector<uint8_t> bytes) {
    for (const Tensor& t : tensors_)
        if (t.name == name) throw Error("GGUF writer: duplicate tensor name " + name);
    const uint64_t n = bytes.size();
    tensors_.push_back({name, std::move(ne), type, std::move(bytes), n, nullptr});
}

void GgufWriter::add_generated_tensor(const std::string& name, std::vector<uint64_t> ne,
                                      uint32_t type, uint64_t n_bytes, TensorFill fill) {
    for (const Tensor& t : tensors_)
        if (t.name == name) throw Error("GGUF writer: duplicate tensor name " + name);
    tensors_.push_back({name, std::move(ne), type, {}, n_bytes, std::move(fill)});
}

void GgufWriter::emit(const ByteSink& out) const {
    const uint64_t align = alignment_ == 0 ? 1 : alignment_;
    std::vector<uint8_t> head;
    head.insert(head.end(), {'G', 'G', 'U', 'F'});
    put<uint32_t>(head, kVersion);
    put<uint64_t>(head, tensors_.size());
    put<uint64_t>(head, kv_.size());
    for (const Kv& kv : kv_) {
        put_string(head, kv.key);
        head.insert(head.end(), kv.encoded.begin(), kv.encoded.end());
    }
    uint64_t offset = 0;
    for (const Tensor& t : tensors_) {
        put_string(head, t.name);
        put<uint32_t>(head, static_cast<uint32_t>(t.ne.size()));
        for (uint64_t d : t.ne) put<uint64_t>(head, d);
        put<uint32_t>(head, t.type);
        put<uint64_t>(head, offset);
        offset = align_up(offset + t.n_bytes, align);
    }
    head.resize(align_up(head.size(), align), 0);
    out(head.data(), head.size());

    const std::vector<uint8_t> zeros(align, 0);
    for (const Tensor& t : tensors_) {
        if (t.fill) {
            uint64_t produced = 0;
            t.fill([&](const uint8_t* p, size_t n) {
                produced += n;
                if (produced > t.n_bytes)
                    throw Error("tensor " + t.name + ": generator produced more than " +
                                std::to_string(t.n_bytes) + " bytes");
                out(p, n);
            });
            if (produced != t.n_bytes)
                throw Error("tensor " + t.name + ": generator produced " +
                            std::to_string(produced) + " bytes, expected " +
                            std::to_string(t.n_bytes));
        } else {
            out(t.bytes.data(), t.bytes.size());
        }
        const uint64_t pad = align_up(t.n_bytes, align) - t.n_bytes;
        if (pad) out(zeros.data(), pad);
    }
}

std::vector<uint8_t> GgufWriter::serialize() const {
    std::vector<uint8_t> file;
    emit([&](const uint8_t* p, size_t n) { file.insert(file.end(), p, p + n); });
    return file;
}

void GgufWriter::write(const std::string& path) const {
    const std::string part = path + ".part";
    auto io_error = [&](const std::string& what) {
        return Error(path + ": " + what + ": " + std::strerror(errno));
    };
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(part.c_str(), "wb"), &std::fclose);
    if (!f) throw io_error("cannot create " + part);
    try {
        emit([&](const uint8_t* p, size_t n) {
            if (n && std::fwrite(p, 1, n, f.get()) != n) throw io_error("write failed");
        });
        if (std::fflush(f.get()) != 0) throw io_error("write failed");
        if (std::fclose(f.release()) != 0) throw io_error("write failed");
        if (std::rename(part.c_str(), path.c_str()) != 0) throw io_error("cannot rename " + part);
    } catch (const Error& e) {
        f.reset();
        std::remove(part.c_str());
        // A generator's message names the tensor but not the file.
        const std::string what = e.what();
        if (what.rfind(path + ":", 0) == 0) throw;
        throw Error(path + ": " + what);
    } catch (...) {
        f.reset();
        std::remove(part.c_str());
        throw;
    }
}

}  // namespace bitnet::gguf
