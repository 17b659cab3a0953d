import Foundation

/// Gauss–Legendre quadrature nodes and weights on [−1, 1], by Newton's method on the Legendre
/// polynomial Pₙ from the Chebyshev-like guesses cos(π(i − ¼)/(n + ½)).
enum GaussLegendre {
    static let rule10 = rule(10)

    static func rule(_ n: Int) -> (nodes: [Double], weights: [Double]) {
        var nodes = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var x = Foundation.cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                var p0 = 1.0
                var p1 = x
                for m in 2...n {
                    let p2 = ((2 * Double(m) - 1) * x * p1 - (Double(m) - 1) * p0) / Double(m)
                    p0 = p1
                    p1 = p2
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-16 { break }
            }
            nodes[i] = x
            weights[i] = 2 / ((1 - x * x) * derivative * derivative)
        }
        return (nodes, weights)
    }
}
