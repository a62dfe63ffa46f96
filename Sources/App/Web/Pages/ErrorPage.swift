import Vapor

enum WebError {
    static let csrf = APIError(
        status: .forbidden, code: "csrf_failed",
        message: "This form could not be accepted because it was not sent from a current FinSync360 page. Nothing was changed. Go back, reload the page and try again.")
}

/// The 404 and error pages, in the same design as every other page.
enum ErrorPage {
    struct Model: Sendable {
        var status: Int
        var heading: String
        var message: String
    }

    static func model(for error: APIError) -> Model {
        switch error.status {
        case .notFound:
            return Model(status: 404, heading: "Page not found",
                         message: "There is nothing here, or it belongs to a company you are not a member of.")
        case .forbidden:
            return Model(status: 403, heading: "Not allowed", message: error.message)
        case .internalServerError:
            return Model(status: 500, heading: "Something went wrong", message: error.message)
        default:
            return Model(status: Int(error.status.code), heading: error.status.reasonPhrase, message: error.message)
        }
    }

    static func render(_ model: Model, chrome: Chrome) -> String {
        Layout.render(chrome, [
            el("div", ["class": "card narrow"], [
                el("h1", text: model.heading),
                el("p", text: model.message),
                el("p", ["class": "actions"], [
                    el("a", ["class": "button", "href": chrome.userName == nil ? "/signin" : "/app"],
                       text: chrome.userName == nil ? "Sign in" : "Your companies"),
                ]),
            ]),
        ])
    }
}

enum OfflinePage {
    static func render() -> String {
        Layout.render(Chrome(title: "Offline"), [
            el("div", ["class": "card narrow"], [
                el("h1", text: "You are offline"),
                el("p", text: "FinSync360 cannot reach the server. Pages you opened before are still available; "
                    + "anything you save will need the connection to come back."),
                el("p", [:], [el("a", ["class": "button", "href": "/app"], text: "Try again")]),
            ]),
        ])
    }
}
