import App
import Foundation

exit(await Entrypoint.main())
