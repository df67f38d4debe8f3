// EPUBCheck kept running: one Java process checks one EPUB after another.
//
// Starting EPUBCheck costs several CPU seconds (the JVM starts, its schemas are compiled on
// first use); checking one more book in the same process costs a fraction of that.
// `bookwright serve` (writers/epub/epubcheck_run.py) and the test suite start this program
// once (`java -cp epubcheck.jar EpubCheckService.java`), write one EPUB path per line to its
// standard input, and read back, for each path, one line per message of severity WARNING,
// ERROR or FATAL (tab-separated: severity, id, location as path:line:column, text) and then
// a line "END". EPUBCheck checks the whole file each time: its cross-document checks need it.

import com.adobe.epubcheck.api.EPUBLocation;
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.api.MasterReport;
import com.adobe.epubcheck.messages.Message;
import com.adobe.epubcheck.messages.Severity;
import com.adobe.epubcheck.util.FeatureEnum;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

public class EpubCheckService {

    static final class Collector extends MasterReport {
        final List<String> lines = new ArrayList<>();

        @Override
        public void message(Message message, EPUBLocation location, Object... args) {
            Severity severity = message.getSeverity();
            if (severity != Severity.WARNING && severity != Severity.ERROR && severity != Severity.FATAL) {
                return;
            }
            String where = location == null ? "" : location.getPath() + ":" + location.getLine() + ":" + location.getColumn();
            String text = message.getMessage(args).replace('\n', ' ').replace('\t', ' ');
            lines.add(severity + "\t" + message.getID() + "\t" + where + "\t" + text);
        }

        @Override
        public void info(String path, FeatureEnum feature, String value) {
        }

        @Override
        public int generate() {
            return 0;
        }

        @Override
        public void initialize() {
        }
    }

    public static void main(String[] args) throws Exception {
        // EPUBCheck prints progress to standard output; the protocol owns the real one.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String path;
        while ((path = in.readLine()) != null) {
            if (path.isEmpty()) {
                continue;
            }
            Collector report = new Collector();
            try {
                new EpubCheck(new File(path), report).doValidate();
            } catch (RuntimeException e) {
                report.lines.add("FATAL\tCRASH\t" + path + "\t" + e);
            }
            for (String line : report.lines) {
                out.println(line);
            }
            out.println("END");
        }
    }
}
