// Boost.Asio and Boost.Beast compiled once for the whole binary (separate compilation).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
