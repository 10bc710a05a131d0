import Spindle

/// A small real ML pipeline: seeded synthetic movie ratings, matrix
/// factorisation trained by SGD at several learning rates in parallel, and a
/// join that keeps the model with the best validation RMSE.
let flow = Flow("RatingsFlow") {
    Parameter("users", default: 500, help: "how many users rate")
    Parameter("items", default: 300, help: "how many items there are")
    Parameter("per_user", default: 40, help: "ratings per user")
    Parameter("epochs", default: 20, help: "passes over the training ratings")
    Parameter("factors", default: 8, help: "latent factors per user and item")
    Parameter("seed", default: 7, help: "seed for the data and the training order")
    Parameter("rate_scale", default: 1.0, help: "multiplies every learning rate (too large and training diverges)")

    Step("start", next: .foreach("rates", then: "train")) { task in
        let ratings = Ratings.synthetic(users: try task.parameter("users"), items: try task.parameter("items"),
                                        perUser: try task.parameter("per_user"), seed: try task.parameter("seed"))
        task["ratings"] = ratings
        let scale: Double = try task.parameter("rate_scale")
        task["rates"] = [0.005, 0.01, 0.02].map { $0 * scale }
        print("\(ratings.count) ratings from \(ratings.userCount) users of \(ratings.itemCount) items")
    }

    Step("train", next: .to("pick"), retry: 1) { task in
        let rate: Double = try task.input()
        let ratings: Ratings = try task.artifact("ratings")
        let (train, validation) = ratings.split()
        let (model, losses) = Model.fitTracking(train, factors: try task.parameter("factors"), rate: rate,
                                                epochs: try task.parameter("epochs"), seed: try task.parameter("seed"))
        if let epoch = losses.firstIndex(where: { !$0.isFinite }) {
            throw TrainingError.diverged(rate: rate, epoch: epoch + 1, losses: losses)
        }
        let rmse = model.rmse(validation)
        task["rate"] = rate
        task["model"] = model
        task["rmse"] = rmse
        task["train_rmse"] = model.rmse(train)
        task["losses"] = losses
        task.card.markdown("## Learning rate \(rate)\nValidation RMSE **\(rmse)** after \(losses.count) epochs.")
        task.card.line(losses, name: "training RMSE", title: "loss by epoch")
        print("rate \(rate): validation RMSE \(rmse)")
    }

    Join("pick", next: .to("end")) { task in
        let candidates = try task.inputs.map { ($0, try $0.artifact("rmse", as: Double.self)) }
        guard let (best, rmse) = candidates.min(by: { $0.1 < $1.1 }) else { return }
        try task.mergeArtifacts(except: ["rate", "model", "rmse", "train_rmse"])
        task["best_rate"] = try best.artifact("rate", as: Double.self)
        task["best_rmse"] = rmse
        task["model"] = try best.artifact("model", as: Model.self)
        task["rmse_by_rate"] = try task.inputs.map { try $0.artifact("rmse", as: Double.self) }
    }

    Step("end") { task in
        let rate: Double = try task.artifact("best_rate")
        let rmse: Double = try task.artifact("best_rmse")
        print("best learning rate \(rate) with validation RMSE \(rmse)")
    }
}

/// Why training failed: SGD whose learning rate is too large blows up.
enum TrainingError: Error, CustomStringConvertible {
    case diverged(rate: Double, epoch: Int, losses: [Double])
    var description: String {
        switch self {
        case .diverged(let rate, let epoch, let losses):
            "training diverged at learning rate \(rate): the training RMSE was \(losses[epoch - 1]) after epoch \(epoch) (losses by epoch: \(losses.prefix(epoch).map { "\($0)" }.joined(separator: ", "))); try a smaller rate"
        }
    }
}

Spindle.main(flow)
