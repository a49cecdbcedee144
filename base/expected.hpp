#pragma once
// A small std::expected stand-in (g++ 12 has none in C++20): a value or an error,
// never both, and never silently ignored.
#include <optional>
#include <utility>
#include <variant>

namespace stradia::base {

template <class E>
class unexpected {
 public:
  explicit unexpected(E error) : error_(std::move(error)) {}
  E& error() & { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

template <class T, class E>
class [[nodiscard]] expected {
 public:
  expected(T value) : storage_(std::in_place_index<0>, std::move(value)) {}
  template <class G>
  expected(unexpected<G> error) : storage_(std::in_place_index<1>, std::move(error).error()) {}

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(storage_); }
  const T& value() const& { return std::get<0>(storage_); }
  // By value from a temporary, so `for (auto& x : *f())` never refers into a dead result.
  T value() && { return std::get<0>(std::move(storage_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  template <class U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  E& error() & { return std::get<1>(storage_); }
  const E& error() const& { return std::get<1>(storage_); }
  E&& error() && { return std::get<1>(std::move(storage_)); }

 private:
  std::variant<T, E> storage_;
};

template <class E>
class [[nodiscard]] expected<void, E> {
 public:
  expected() = default;
  template <class G>
  expected(unexpected<G> error) : error_(std::move(error).error()) {}

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }

  E& error() & { return *error_; }
  const E& error() const& { return *error_; }
  E&& error() && { return std::move(*error_); }

 private:
  std::optional<E> error_;
};

}  // namespace stradia::base
