// Boost.Asio (with its TLS layer) and Boost.Beast compiled once for the whole binary.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
